"""回访 pages: the queue, most urgent first, and the call page where the answers are recorded.

The caller's full number is shown to the callback role only (``orders.view_caller_contact``);
recording calls ``services.callback_record``, the same service as the API.
"""

from __future__ import annotations

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

from orders import clock
from orders.api.serializers import caller_representation
from orders.exceptions import TicketConflict
from orders.privacy import originals_reveal
from orders.selectors import caller_contact_visible, ticket_events

from . import selectors, services
from .action_forms import CallbackForm
from .choices import Satisfaction
from .models import Callback


class CallForm(CallbackForm):
    """The call page's form: the admin's callback answers, shown as radio buttons, and what follows."""

    satisfaction = forms.ChoiceField(
        label=gettext_lazy("satisfaction"),
        choices=[("", "—"), *Satisfaction.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    action = forms.ChoiceField(
        label=gettext_lazy("then"),
        choices=[
            ("close", gettext_lazy("close the ticket")),
            ("reopen", gettext_lazy("send it back for rework")),
        ],
        initial="close",
        widget=forms.RadioSelect,
    )
    reopen_reason = forms.CharField(
        label=gettext_lazy("what is still wrong"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reached"].initial = "1"


@login_required
@permission_required("orders.close_ticket", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    tickets = list(selectors.callback_queue(user=request.user)[:200])
    return render(request, "evaluation/callback_queue.html", {"tickets": tickets, "now": clock.now()})


@login_required
@permission_required("orders.close_ticket", raise_exception=True)
def call(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.callback_queue(user=request.user).filter(pk=pk).first()
    if ticket is None:
        raise Http404
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            callback = services.callback_record(
                ticket=ticket,
                by=request.user,
                reached=data["reached"],
                contacted=data["contacted"],
                resolution=data["resolution"],
                satisfaction=data["satisfaction"],
                notes=data["notes"],
                action=data["action"],
                reopen_reason=data["reopen_reason"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except (PermissionDenied, TicketConflict) as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("callbacks:queue"))
        else:
            messages.success(request, _message(ticket.number, callback))
            return HttpResponseRedirect(reverse("callbacks:queue"))
    attempts = Callback.objects.filter(ticket=ticket, round=ticket.rework_count).first()
    may_see_contact = caller_contact_visible(user=request.user)
    events = list(ticket_events(ticket=ticket))
    if may_see_contact:
        originals_reveal(ticket)
        for event in events:
            originals_reveal(event)
    return render(
        request,
        "evaluation/callback_call.html",
        {
            "ticket": ticket,
            "caller": caller_representation(ticket, may_see_contact),
            "events": events,
            "form": form,
            "attempts": attempts.attempt_log.all() if attempts else [],
        },
    )


def _message(number: str, callback: Callback) -> str:
    if callback.outcome == "":
        return _("%(number)s: not reached; it stays in the queue.") % {"number": number}
    return _("%(number)s: %(outcome)s.") % {"number": number, "outcome": callback.get_outcome_display()}
