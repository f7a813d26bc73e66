"""The forms of the ticket actions and the registry that maps each FSM transition to its form and
service. The admin's transition buttons and the people's desk pages both read ``TICKET_ACTIONS``;
apps above ``orders`` add their own (``dispatch``: the whistle and the result, ``evaluation``:
close/reopen with the callback's answers) from their ``AppConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dispatch.directory.choices import EmergencyLine
from dispatch.directory.forms import UnitField, UnitsField

from . import services
from .choices import RejectReason, ReturnReason
from .models import Ticket


class TicketForm(forms.Form):
    """An action's form that depends on the ticket (its district scopes the units offered)."""

    def __init__(self, *args: Any, ticket: Ticket | None = None, **kwargs: Any) -> None:
        self.ticket = ticket
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}))


class DispatchForm(forms.Form):
    lead_unit = UnitField(label=_("lead unit"))
    assist_units = UnitsField(required=False, label=_("assisting units"))
    note = forms.CharField(label=_("note"), required=False)


class ReassignForm(DispatchForm):
    note = forms.CharField(label=_("reason"))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("direct answer"), widget=forms.Textarea(attrs={"rows": 4}))


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=RejectReason.choices)
    transfer_to = forms.ChoiceField(
        label=_("transferred to (an emergency)"), choices=[("", "—"), *EmergencyLine.choices], required=False
    )
    note = forms.CharField(label=_("note"), required=False)


class MergeForm(forms.Form):
    parent = forms.ModelChoiceField(
        queryset=Ticket.objects.all(),
        to_field_name="number",
        widget=forms.TextInput,
        label=_("parent ticket number"),
    )
    note = forms.CharField(label=_("note"), required=False)


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=ReturnReason.choices)
    note = forms.CharField(label=_("explanation"), widget=forms.Textarea(attrs={"rows": 3}))
    suggested_unit = UnitField(label=_("suggested unit"), required=False)


class ReplyForm(forms.Form):
    result = forms.CharField(label=_("handling result"), widget=forms.Textarea(attrs={"rows": 4}))


@dataclass(frozen=True)
class TicketAction:
    """A button on a ticket page: its form and the service it calls."""

    label: Any
    form: type[forms.Form]
    run: Callable[[Ticket, Any, dict[str, Any]], Any]
    # The same transition on a ticket without a caller (work verified by a supervisor, not called back)
    without_caller: TicketAction | None = None

    def for_ticket(self, ticket: Ticket) -> TicketAction:
        if self.without_caller is not None and ticket.caller_id is None:
            return self.without_caller
        return self

    def bind(self, ticket: Ticket, data: Any = None) -> forms.Form:
        """The action's form for this ticket (bound to ``data`` when given)."""
        if issubclass(self.form, TicketForm):
            return self.form(data, ticket=ticket)
        return self.form(data)


# transition method name → button. The apps above add theirs from AppConfig.ready: dispatch the
# whistle and the result (which ends a whistle), evaluation close and reopen (with the callback).
TICKET_ACTIONS: dict[str, TicketAction] = {
    "dispatch": TicketAction(
        _("Dispatch"),
        DispatchForm,
        lambda t, u, d: services.ticket_dispatch(
            ticket=t, by=u, lead_unit=d["lead_unit"], assist_units=list(d["assist_units"]), note=d["note"]
        ),
    ),
    "answer_directly": TicketAction(
        _("Answer directly"),
        AnswerForm,
        lambda t, u, d: services.ticket_answer(ticket=t, by=u, answer=d["answer"]),
    ),
    "reject": TicketAction(
        _("Refuse"),
        RejectForm,
        lambda t, u, d: services.ticket_reject(
            ticket=t, by=u, reason=d["reason"], note=d["note"], transfer_to=d["transfer_to"]
        ),
    ),
    "merge": TicketAction(
        _("Merge"),
        MergeForm,
        lambda t, u, d: services.ticket_merge(ticket=t, by=u, parent=d["parent"], note=d["note"]),
    ),
    "reassign": TicketAction(
        _("Reassign"),
        ReassignForm,
        lambda t, u, d: services.ticket_reassign(
            ticket=t, by=u, lead_unit=d["lead_unit"], assist_units=list(d["assist_units"]), reason=d["note"]
        ),
    ),
    "accept": TicketAction(
        _("Sign for"), NoteForm, lambda t, u, d: services.ticket_accept(ticket=t, by=u, note=d["note"])
    ),
    "request_return": TicketAction(
        _("Request a return"),
        ReturnForm,
        lambda t, u, d: services.ticket_request_return(
            ticket=t, by=u, reason=d["reason"], note=d["note"], suggested_unit=d["suggested_unit"]
        ),
    ),
    "approve_return": TicketAction(
        _("Approve the return"),
        NoteForm,
        lambda t, u, d: services.ticket_approve_return(ticket=t, by=u, note=d["note"]),
    ),
    "deny_return": TicketAction(
        _("Deny the return"),
        RequiredNoteForm,
        lambda t, u, d: services.ticket_deny_return(ticket=t, by=u, note=d["note"]),
    ),
    # close and reopen take the callback's answers: evaluation/action_forms.py adds them.
}
