"""The pages of review work: a supervisor's verification queue (核实: work without a caller), and the
assessor's reviews — appeals (申诉), exemption requests (不纳入考评) and callbacks that contradict a
unit's record — plus the schemes in force. Every decision calls the same service as the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch.directory.choices import AssessmentGroup
from orders import clock
from orders.exceptions import Conflict
from orders.selectors import ticket_get_for_user

from . import selectors, services
from .choices import ExemptionReason
from .models import Appeal, ExemptionRequest


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("deny", gettext_lazy("Deny"))]
    )
    note = forms.CharField(label=gettext_lazy("note"), required=False, max_length=2000)


class VerificationForm(forms.Form):
    verified = forms.ChoiceField(
        choices=[("1", gettext_lazy("Verified")), ("0", gettext_lazy("Not verified"))]
    )
    note = forms.CharField(label=gettext_lazy("note"), required=False, max_length=2000)


def _attempt(request: HttpRequest, run: Any, done: str) -> None:
    try:
        run()
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except (PermissionDenied, Conflict) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)


@login_required
@permission_required("orders.verify_ticket", raise_exception=True)
def verification_queue(request: HttpRequest) -> HttpResponse:
    """核实队列: handled work without a caller, for the supervisor to verify on the spot or by record."""
    if request.method == "POST":
        ticket = selectors.verification_queue(user=request.user).filter(pk=request.POST.get("ticket")).first()
        if ticket is None:
            raise Http404
        form = VerificationForm(request.POST)
        if form.is_valid():
            verified = form.cleaned_data["verified"] == "1"
            _attempt(
                request,
                lambda: services.ticket_verify(
                    ticket=ticket, by=request.user, verified=verified, note=form.cleaned_data["note"]
                ),
                (_("%(number)s verified and closed.") if verified else _("%(number)s sent back to the unit."))
                % {"number": ticket.number},
            )
        return HttpResponseRedirect(reverse("callbacks:verify"))
    tickets = list(selectors.verification_queue(user=request.user)[:200])
    return render(request, "evaluation/verification_queue.html", {"tickets": tickets, "now": clock.now()})


@login_required
@permission_required("evaluation.decide_appeal", raise_exception=True)
def reviews(request: HttpRequest) -> HttpResponse:
    """审核: pending appeals and exemption requests, and callbacks contradicting a unit's record."""
    since = clock.now() - dt.timedelta(days=60)
    return render(
        request,
        "evaluation/reviews.html",
        {
            "appeals": list(selectors.appeals_pending()[:200]),
            "exemptions": list(selectors.exemption_requests_pending()[:200]),
            "contradictions": list(selectors.contradictions(since=since)[:200]),
        },
    )


class ExemptionRequestForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("reason"), choices=ExemptionReason.choices)
    note = forms.CharField(label=gettext_lazy("explanation"), max_length=2000)


@login_required
@permission_required("evaluation.request_exemption", raise_exception=True)
def exemption_request(request: HttpRequest, ticket: int) -> HttpResponse:
    """申请不纳入考评 from the ticket page (agents at intake, dispatchers)."""
    found = ticket_get_for_user(user=request.user, pk=ticket)
    if found is None or request.method != "POST":
        raise Http404
    form = ExemptionRequestForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.exemption_request(ticket=found, by=request.user, **form.cleaned_data),
            _("Exemption requested; an assessor decides."),
        )
    else:
        messages.error(request, _("Choose a reason and explain it."))
    return HttpResponseRedirect(reverse("desk:ticket", args=[found.pk]))


@login_required
@permission_required("evaluation.decide_appeal", raise_exception=True)
def appeal_decision(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = Appeal.objects.filter(pk=pk).first()
    if appeal is None or request.method != "POST":
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        _attempt(
            request,
            lambda: services.appeal_decide(
                appeal=appeal, by=request.user, approve=approve, note=form.cleaned_data["note"]
            ),
            _("Appeal decided."),
        )
    return HttpResponseRedirect(reverse("assessment:reviews"))


@login_required
@permission_required("orders.set_assessment_exempt", raise_exception=True)
def exemption_decision(request: HttpRequest, pk: int) -> HttpResponse:
    row = ExemptionRequest.objects.filter(pk=pk).first()
    if row is None or request.method != "POST":
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        _attempt(
            request,
            lambda: services.exemption_decide(
                request=row, by=request.user, approve=approve, note=form.cleaned_data["note"]
            ),
            _("Exemption request decided."),
        )
    return HttpResponseRedirect(reverse("assessment:reviews"))


@login_required
@permission_required("evaluation.view_assessmentscheme", raise_exception=True)
def schemes(request: HttpRequest) -> HttpResponse:
    """考评方案: each group's schemes with every option, the one in force marked."""
    today = clock.now().date()
    labels = dict(INDICATOR_LABELS)
    rows = []
    for scheme in selectors.schemes():
        in_force = selectors.scheme_in_force(scheme.group, today)
        rows.append(
            {
                "scheme": scheme,
                "in_force": in_force is not None and in_force.pk == scheme.pk,
                "extras": [
                    (labels.get(key, key), weight) for key, weight in (scheme.extra_weights or {}).items()
                ],
            }
        )
    return render(
        request,
        "evaluation/schemes.html",
        {"rows": rows, "groups": AssessmentGroup.choices, "indicators": INDICATOR_LABELS},
    )


INDICATOR_LABELS = [
    ("sign_on_time", gettext_lazy("signed on time")),
    ("handle_on_time", gettext_lazy("handled on time")),
    ("first_time_resolution", gettext_lazy("first-time resolution rate")),
    ("first_contact_on_time", gettext_lazy("first contact on time")),
    ("whistle_report_on_time", gettext_lazy("whistle reports on time")),
    ("whistle_rating", gettext_lazy("street rating of whistle reports")),
]
