"""The dispatcher's desk (派单台): tickets waiting for dispatch with the catalog's suggestion ready to
take in one keystroke, an override with a unit search and a reason, the return requests with what the
unit said and where it should go, and what automatic dispatch could not place. Every write goes
through ``dispatch.services`` / ``orders.services`` like the API does."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch import services as dispatch_services
from dispatch.directory.forms import UnitField, UnitsField
from dispatch.directory.reads import district_list
from dispatch.routing import Decision
from dispatch.selectors import auto_dispatch_failures, route_for
from orders import clock
from orders import services as ticket_services
from orders.choices import RejectReason, TicketState
from orders.exceptions import TicketConflict
from orders.models import Ticket
from orders.selectors import units_with_approved_return

from . import selectors

QUEUE_LIMIT = 200


class OverrideForm(forms.Form):
    """Another lead (and assisting units) than the catalog's, with the reason (改派说明)."""

    lead_unit = UnitField(label=gettext_lazy("lead unit"))
    assist_units = UnitsField(required=False, label=gettext_lazy("assisting units"))
    override_reason = forms.CharField(
        label=gettext_lazy("why not the suggestion"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnDecisionForm(forms.Form):
    """退单审核: approve (and dispatch to the chosen unit at once), approve only, or deny."""

    decision = forms.ChoiceField(
        choices=[
            ("redispatch", gettext_lazy("Approve and dispatch")),
            ("approve", gettext_lazy("Approve only")),
            ("deny", gettext_lazy("Deny")),
        ]
    )
    lead_unit = UnitField(label=gettext_lazy("dispatch to"), required=False)
    assist_units = UnitsField(required=False, label=gettext_lazy("assisting units"))
    override_reason = forms.CharField(label=gettext_lazy("why this unit"), required=False)
    note = forms.CharField(
        label=gettext_lazy("note to the unit"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _suggestion(ticket: Ticket) -> Decision:
    return route_for(
        category=ticket.category, region=ticket.region, exclude=units_with_approved_return(ticket=ticket)
    )


@login_required
@permission_required("orders.dispatch_ticket", raise_exception=True)
def dispatch_desk(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    district = request.GET.get("district", "")
    overdue_only = request.GET.get("overdue") == "1"
    queue = selectors.dispatch_queue(
        user=request.user, district=district, overdue_at=now if overdue_only else None
    )
    counts = queue.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(dispatch_due_at__lt=now)))
    rows = []
    for ticket in queue[:QUEUE_LIMIT]:
        decision = None if ticket.category.transfer_to else _suggestion(ticket)
        assists = [u.code for u in decision.assists] if decision else []
        rows.append(
            {
                "ticket": ticket,
                "decision": decision,
                "overdue": ticket.dispatch_due_at is not None and ticket.dispatch_due_at < now,
                "failure": getattr(ticket, "auto_dispatch_failure", None),
                "form": OverrideForm(
                    prefix=f"t{ticket.pk}",
                    initial={
                        "lead_unit": decision.lead.code if decision and decision.lead else None,
                        "assist_units": assists,
                    },
                ),
            }
        )
    returns = []
    if request.user.has_perm("orders.decide_return_ticket"):
        for ticket in selectors.returns_pending(user=request.user)[:QUEUE_LIMIT]:
            pending = ticket.pending_returns[0] if ticket.pending_returns else None  # type: ignore[attr-defined]
            decision = route_for(
                category=ticket.category,
                region=ticket.region,
                exclude=[*units_with_approved_return(ticket=ticket), *([pending.unit_id] if pending else [])],
            )
            target = pending.suggested_unit if pending and pending.suggested_unit else None
            lead_code = target.code if target else (decision.lead.code if decision.lead else None)
            returns.append(
                {
                    "ticket": ticket,
                    "request": pending,
                    "decision": decision,
                    "form": ReturnDecisionForm(
                        prefix=f"r{ticket.pk}",
                        initial={
                            "decision": "redispatch",
                            "lead_unit": lead_code,
                            "assist_units": [u.code for u in decision.assists] if target is None else [],
                        },
                    ),
                }
            )
    failures = list(auto_dispatch_failures(user=request.user)[:QUEUE_LIMIT])
    return render(
        request,
        "hotline/dispatch.html",
        {
            "rows": rows,
            "counts": counts,
            "returns": returns,
            "failures": failures,
            "districts": list(district_list().values_list("code", "name")),
            "district": district,
            "overdue_only": overdue_only,
            "now": now,
            "media": OverrideForm().media,
        },
    )


def _back(request: HttpRequest) -> HttpResponseRedirect:
    query = request.POST.get("query", "")
    url = reverse("desk:dispatch")
    return HttpResponseRedirect(f"{url}?{query}" if query and "\n" not in query else url)


def _received(request: HttpRequest, pk: int) -> Ticket:
    ticket = Ticket.objects.select_related("category", "region").filter(pk=pk).first()
    if ticket is None:
        raise Http404
    return ticket


def _refusal(error: ValidationError, form: forms.Form | None) -> str:
    if not hasattr(error, "error_dict"):
        return "；".join(error.messages)
    parts = []
    for field, texts in error.message_dict.items():
        label = form.fields[field].label if form is not None and field in form.fields else ""
        parts.append(f"{label}：{'；'.join(texts)}" if label else "；".join(texts))
    return "；".join(parts)


def _attempt(
    request: HttpRequest, ticket: Ticket, run: Any, done: str, form: forms.Form | None = None
) -> None:
    """Run a service; report success, its refusal (with the field's label) or a conflict (409: someone
    else was faster)."""
    try:
        run()
    except ValidationError as error:
        messages.error(request, f"{ticket.number}：{_refusal(error, form)}")
    except TicketConflict as error:
        messages.warning(request, f"{ticket.number}：{error}")
    except PermissionDenied as error:
        messages.error(request, f"{ticket.number}：{error or _('You may not do this.')}")
    else:
        messages.success(request, done)


def _invalid(request: HttpRequest, ticket: Ticket, form: forms.Form) -> HttpResponseRedirect:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{ticket.number} · {label}：{'；'.join(errors)}")
    return _back(request)


@login_required
@permission_required("orders.dispatch_ticket", raise_exception=True)
def dispatch_take(request: HttpRequest, pk: int) -> HttpResponse:
    """派单 by the suggestion (one click) or an override (another unit, with the reason)."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("desk:dispatch"))
    ticket = _received(request, pk)
    if request.POST.get("take") == "suggestion":
        expected = request.POST.get("expected_lead", "")
        decision = _suggestion(ticket)
        if ticket.state == TicketState.RECEIVED and (decision.lead.code if decision.lead else "") != expected:
            messages.warning(
                request,
                _("%(number)s: the suggestion has changed; check it again.") % {"number": ticket.number},
            )
            return _back(request)
        _attempt(
            request,
            ticket,
            lambda: dispatch_services.ticket_route_dispatch(ticket=ticket, by=request.user),
            _("%(number)s dispatched to %(unit)s.")
            % {"number": ticket.number, "unit": decision.lead.name if decision.lead else ""},
        )
        return _back(request)
    form = OverrideForm(request.POST, prefix=f"t{ticket.pk}")
    if not form.is_valid():
        return _invalid(request, ticket, form)
    data = form.cleaned_data
    _attempt(
        request,
        ticket,
        lambda: dispatch_services.ticket_route_dispatch(
            ticket=ticket,
            by=request.user,
            lead_unit=data["lead_unit"],
            assist_units=data["assist_units"],
            override_reason=data["override_reason"],
        ),
        _("%(number)s dispatched to %(unit)s.") % {"number": ticket.number, "unit": data["lead_unit"].name},
        form,
    )
    return _back(request)


@login_required
@permission_required("orders.reject_ticket", raise_exception=True)
def dispatch_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """An emergency line's matter: refused as an emergency, naming the line it went to."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("desk:dispatch"))
    ticket = _received(request, pk)
    line = ticket.category.transfer_to or request.POST.get("transfer_to", "")
    _attempt(
        request,
        ticket,
        lambda: ticket_services.ticket_reject(
            ticket=ticket,
            by=request.user,
            reason=RejectReason.EMERGENCY,
            transfer_to=line,
            note=request.POST.get("note", ""),
        ),
        _("%(number)s transferred to %(line)s.") % {"number": ticket.number, "line": line},
    )
    return _back(request)


@login_required
@permission_required("orders.decide_return_ticket", raise_exception=True)
def return_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """退单审核 from the desk: approve and dispatch, approve only, or deny with a note."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("desk:dispatch"))
    ticket = _received(request, pk)
    form = ReturnDecisionForm(request.POST, prefix=f"r{ticket.pk}")
    if not form.is_valid():
        return _invalid(request, ticket, form)
    data = form.cleaned_data
    decision = data["decision"]
    if decision == "deny":
        _attempt(
            request,
            ticket,
            lambda: ticket_services.ticket_deny_return(ticket=ticket, by=request.user, note=data["note"]),
            _("%(number)s: return denied; the unit keeps it.") % {"number": ticket.number},
            form,
        )
    elif decision == "approve":
        _attempt(
            request,
            ticket,
            lambda: dispatch_services.ticket_return_approve(
                ticket=ticket, by=request.user, note=data["note"]
            ),
            _("%(number)s: return approved; it waits for dispatch.") % {"number": ticket.number},
            form,
        )
    else:
        lead = data["lead_unit"]
        if lead is None:
            messages.error(
                request, _("%(number)s: choose the unit to dispatch to.") % {"number": ticket.number}
            )
            return _back(request)
        _attempt(
            request,
            ticket,
            lambda: dispatch_services.ticket_return_approve(
                ticket=ticket,
                by=request.user,
                note=data["note"],
                lead_unit=lead,
                assist_units=data["assist_units"],
                override_reason=data["override_reason"],
            ),
            _("%(number)s: return approved and dispatched to %(unit)s.")
            % {"number": ticket.number, "unit": lead.name},
            form,
        )
    return _back(request)
