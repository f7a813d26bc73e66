"""The desk pages people work in: a unit's inbox, a ticket's page with the actions the user may take
on it, whistle reports, and the supervision view. Server-rendered; every write calls a service
(``orders``, ``dispatch``, ``evaluation`` through the action registry), every read a scoped selector.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dispatch.directory.choices import DemandType, RegionLevel
from dispatch.directory.jurisdiction import jurisdiction
from dispatch.directory.models import Region
from dispatch.directory.reads import category_leaves, district_list
from dispatch.services import whistle_report
from orders import clock
from orders import services as ticket_services
from orders.access import ticket_scope
from orders.action_forms import TICKET_ACTIONS, RequiredNoteForm
from orders.api.serializers import caller_representation
from orders.choices import UNIT_STATES, AssignmentRole, Channel, EventKind
from orders.exceptions import TicketConflict
from orders.privacy import originals_reveal
from orders.selectors import caller_contact_visible, ticket_events, ticket_get_for_user

from . import selectors

NEAR_DUE_HOURS = 4


def _ticket_or_404(request: HttpRequest, pk: int) -> Any:
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    if ticket is None:
        raise Http404
    return ticket


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """待办: the unit's open tickets by due time, whistles to report to, unread notices."""
    if not ticket_scope(request.user).handler_units:
        raise PermissionDenied
    now = clock.now()
    rows = []
    for assignment in selectors.inbox(user=request.user)[:300]:
        due = assignment.due_at  # type: ignore[attr-defined]
        if due is None:
            urgency = ""
        elif due < now:
            urgency = "overdue"
        elif (due - now).total_seconds() < NEAR_DUE_HOURS * 3600:
            urgency = "near"
        else:
            urgency = ""
        rows.append(
            {
                "assignment": assignment,
                "ticket": assignment.ticket,
                "due": due,
                "provisional": assignment.due_provisional,  # type: ignore[attr-defined]
                "urgency": urgency,
            }
        )
    return render(
        request,
        "hotline/inbox.html",
        {
            "rows": rows,
            "summons": list(selectors.pending_summons(user=request.user)[:100]),
            "notices": selectors.unread_notices(user=request.user),
            "now": now,
        },
    )


class ExtensionForm(forms.Form):
    proposed_due_at = forms.DateTimeField(
        label=gettext_lazy("proposed new deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(label=gettext_lazy("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class FirstContactForm(forms.Form):
    at = forms.DateTimeField(
        label=gettext_lazy("contacted at (empty: now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    note = forms.CharField(label=gettext_lazy("how and what was said"), required=False, max_length=2000)


# The reasons of an exemption request (evaluation.choices.ExemptionReason), as the form offers them.
EXEMPTION_REASONS = [
    ("unreasonable", gettext_lazy("Unreasonable demand")),
    ("beyond_policy", gettext_lazy("Beyond current policy or law")),
    ("historical", gettext_lazy("Historical problem beyond the unit")),
    ("force_majeure", gettext_lazy("Force majeure")),
    ("other", gettext_lazy("Other")),
]


class PartForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("what your unit did for its part"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("what your department did"), widget=forms.Textarea(attrs={"rows": 3})
    )
    arrived_on_site = forms.BooleanField(label=gettext_lazy("arrived on site"), required=False)


@login_required
def ticket_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A ticket as its holder sees it: content, caller (masked for units), deadlines, history, and a
    button per action the user may take now."""
    ticket = _ticket_or_404(request, pk)
    actions = [
        {"name": t.name, "label": TICKET_ACTIONS[t.name].for_ticket(ticket).label}
        for t in ticket.get_available_user_state_transitions(request.user)
        if t.name in TICKET_ACTIONS
    ]
    scope = ticket_scope(request.user)
    may_extend = (
        request.user.has_perm("orders.request_extension")
        and ticket.lead_unit_id in scope.handler_units
        and ticket.state in ("dispatched", "accepted", "escalated")
    )
    part = next(
        (
            a
            for a in ticket.assignments.all()
            if a.role == AssignmentRole.ASSIST
            and a.ended_at is None
            and a.replied_at is None
            and a.unit_id in scope.handler_units
        ),
        None,
    )
    events = list(ticket_events(ticket=ticket))
    if caller_contact_visible(user=request.user):
        # agents and callback staff read the texts as typed, personal data included
        originals_reveal(ticket)
        for event in events:
            originals_reveal(event)
    lead = next(
        (a for a in ticket.assignments.all() if a.role == AssignmentRole.LEAD and a.ended_at is None), None
    )
    contact = (
        lead
        if lead is not None
        and ticket.caller_id is not None
        and lead.first_contact_at is None
        and lead.unit_id in scope.handler_units
        and ticket.state in UNIT_STATES
        and request.user.has_perm("orders.reply_ticket")
        else None
    )
    may_request_exemption = (
        request.user.has_perm("evaluation.request_exemption")
        and not ticket.assessment_exempt
        and ticket.state not in ("rejected", "answered", "merged")
    )
    summons = [
        s
        for whistle in ticket.whistles.all()
        for s in whistle.summons.all()
        if s.unit_id in scope.handler_units and s.reported_at is None and whistle.status == "open"
    ]
    return render(
        request,
        "hotline/ticket.html",
        {
            "ticket": ticket,
            "caller": caller_representation(ticket, caller_contact_visible(user=request.user)),
            "events": events,
            "actions": actions,
            "may_extend": may_extend,
            "extension_form": ExtensionForm() if may_extend else None,
            "note_form": RequiredNoteForm(),
            "summons": summons,
            "report_form": ReportForm(),
            "part": part,
            "contact": contact,
            "lead": lead,
            "may_request_exemption": may_request_exemption,
            "exemption_reasons": EXEMPTION_REASONS,
            "part_form": PartForm() if part is not None else None,
            "parts": [e for e in events if e.kind == EventKind.ASSIST_FEEDBACK],
        },
    )


def _run(request: HttpRequest, form: forms.Form, run: Any, done: str) -> bool:
    """Call a service with a valid form; put its refusal on the form or in a message."""
    try:
        run(form.cleaned_data)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)
        return False
    except (PermissionDenied, TicketConflict) as error:
        messages.error(request, str(error) or _("You may not do this."))
        return True
    messages.success(request, done)
    return True


@login_required
def ticket_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One action's form (GET) and its run through the service (POST)."""
    ticket = _ticket_or_404(request, pk)
    spec = TICKET_ACTIONS.get(name)
    if spec is None:
        raise Http404
    spec = spec.for_ticket(ticket)
    form = spec.bind(ticket, request.POST or None)
    back = reverse("desk:ticket", args=[ticket.pk])
    if request.method == "POST" and form.is_valid():
        label = str(spec.label)
        if _run(
            request,
            form,
            lambda data: spec.run(ticket, request.user, data),
            _("%(action)s: done.") % {"action": label},
        ):
            return HttpResponseRedirect(back)
    return render(
        request, "hotline/action.html", {"ticket": ticket, "form": form, "label": spec.label, "back": back}
    )


@login_required
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = ExtensionForm(request.POST or None)
    back = reverse("desk:ticket", args=[ticket.pk])
    if request.method == "POST" and form.is_valid():

        def run(data: dict[str, Any]) -> Any:
            return ticket_services.ticket_extension_request(
                ticket=ticket, by=request.user, reason=data["reason"], proposed_due_at=data["proposed_due_at"]
            )

        if _run(request, form, run, _("Extension requested.")):
            return HttpResponseRedirect(back)
    return render(
        request,
        "hotline/action.html",
        {"ticket": ticket, "form": form, "label": _("Ask for an extension"), "back": back},
    )


@login_required
@require_POST
def ticket_note(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = RequiredNoteForm(request.POST)
    if form.is_valid():
        _run(
            request,
            form,
            lambda data: ticket_services.ticket_note_add(ticket=ticket, by=request.user, note=data["note"]),
            _("Note added."),
        )
    else:
        messages.error(request, _("Write the note first."))
    return HttpResponseRedirect(reverse("desk:ticket", args=[ticket.pk]))


@login_required
@require_POST
def first_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """先行联系 from the ticket page: the lead unit records when it first reached the caller."""
    ticket = _ticket_or_404(request, pk)
    form = FirstContactForm(request.POST)
    if form.is_valid():
        _run(
            request,
            form,
            lambda data: ticket_services.ticket_first_contact_record(
                ticket=ticket, by=request.user, at=data["at"], note=data["note"]
            ),
            _("First contact recorded."),
        )
        for error in form.errors.values():
            messages.error(request, "；".join(error))
    else:
        messages.error(request, _("Give a valid time, or leave it empty for now."))
    return HttpResponseRedirect(reverse("desk:ticket", args=[ticket.pk]))


@login_required
@require_POST
def part_file(request: HttpRequest, pk: int) -> HttpResponse:
    """协办反馈: an assisting unit files its part from the ticket page."""
    ticket = _ticket_or_404(request, pk)
    form = PartForm(request.POST)
    if form.is_valid():
        _run(
            request,
            form,
            lambda data: ticket_services.ticket_part_file(ticket=ticket, by=request.user, note=data["note"]),
            _("Your unit's part is filed."),
        )
    else:
        messages.error(request, _("Say what your unit did."))
    return HttpResponseRedirect(reverse("desk:ticket", args=[ticket.pk]))


@login_required
@require_POST
def summons_report(request: HttpRequest, pk: int) -> HttpResponse:
    """部门报到 from the inbox or the ticket page."""
    from dispatch.models import WhistleSummons

    summons = get_object_or_404(WhistleSummons.objects.select_related("whistle"), pk=pk)
    if summons.unit_id not in ticket_scope(request.user).handler_units:
        raise Http404
    form = ReportForm(request.POST)
    if form.is_valid():
        _run(
            request,
            form,
            lambda data: whistle_report(
                summons=summons, by=request.user, note=data["note"], arrived_on_site=data["arrived_on_site"]
            ),
            _("Reported to the whistle."),
        )
    else:
        messages.error(request, _("Say what your department did."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("desk:inbox")
    return HttpResponseRedirect(target)


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """督办: overdue and escalated work across the units the user oversees."""
    scope = ticket_scope(request.user)
    if not (
        scope.supervised_units or (scope.everything and request.user.has_perm("orders.decide_extension"))
    ):
        raise PermissionDenied
    now = clock.now()
    tickets = list(selectors.supervision(user=request.user, now=now)[:500])
    return render(request, "hotline/supervision.html", {"tickets": tickets, "now": now})


@login_required
@permission_required("orders.create_ticket", raise_exception=True)
def intake_desk(request: HttpRequest) -> HttpResponse:
    """受理台: the agent's page. The form posts to the API; the aids (caller history, duplicates,
    sensitive words, knowledge base, route preview) are fetched as the agent types."""
    leaves = [
        {
            "code": c.code,
            "path": " / ".join(
                n
                for n in (
                    c.parent.parent.name if c.parent and c.parent.parent else "",
                    c.parent.name if c.parent else "",
                    c.name,
                )
                if n
            ),
            "keywords": f"{c.keywords} {c.synonyms}".strip(),
            "transfer": c.transfer_to,
        }
        for c in category_leaves().select_related("parent__parent").order_by("code")
    ]
    day_start = timezone.localtime(clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    streets: dict[int, list[tuple[str, str]]] = {}
    for parent_id, code, name in (
        Region.objects.filter(level=RegionLevel.STREET)
        .order_by("code")
        .values_list("parent_id", "code", "name")
    ):
        streets.setdefault(parent_id, []).append((code, name))
    districts = [{"name": d.name, "code": d.code, "streets": streets.get(d.pk, [])} for d in district_list()]
    return render(
        request,
        "hotline/intake.html",
        {
            "leaves": leaves,
            "districts": districts,
            "city": jurisdiction(),
            "channels": Channel.choices,
            "demand_types": DemandType.choices,
            "may_merge": request.user.has_perm("orders.merge_ticket"),
            "exemption_reasons": EXEMPTION_REASONS
            if request.user.has_perm("evaluation.request_exemption")
            else [],
            "today": selectors.direct_answer_rate(since=day_start, until=day_start + dt.timedelta(days=1)),
            "month": selectors.direct_answer_rate(
                since=day_start.replace(day=1), until=day_start + dt.timedelta(days=1)
            ),
        },
    )
