"""Dispatch's actions on the ticket pages — approving a return (and dispatching again), the whistle
(街乡吹哨), ending it, and the result (办理反馈, which ends an open whistle) — registered into
``orders.action_forms.TICKET_ACTIONS`` when the app is ready, calling ``dispatch.services`` like the
API does."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dispatch.choices import WhistleGrade
from dispatch.directory.forms import UnitField, UnitPicker, UnitsField
from dispatch.services import ticket_reply, ticket_return_approve, whistle_end, whistle_raise
from dispatch.services.whistles import SUMMONABLE_KINDS, summon_district
from orders.action_forms import TICKET_ACTIONS, NoteForm, ReplyForm, TicketAction, TicketForm
from orders.choices import ReturnDecision
from orders.models import ReturnRequest


class WhistleForm(TicketForm):
    """街乡吹哨: the search offers the ticket's district's departments and the city-wide units."""

    grade = forms.ChoiceField(label=_("grade"), choices=WhistleGrade.choices)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    departments = UnitsField(kinds=SUMMONABLE_KINDS, label=_("departments summoned"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = summon_district(self.ticket) if self.ticket is not None else None
        if district is not None:
            field = self.fields["departments"]
            field.widget = UnitPicker(multiple=True, kinds=SUMMONABLE_KINDS, near=district.code)


class ApproveReturnForm(TicketForm):
    """同意退单 from the ticket page: what the unit said, and where the ticket goes next (the unit's
    suggestion prefilled; left empty, the ticket waits in the dispatcher's queue)."""

    lead_unit = UnitField(label=_("dispatch again to"), required=False)
    assist_units = UnitsField(required=False, label=_("assisting units"))
    override_reason = forms.CharField(label=_("why this unit"), required=False)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.intro: list[tuple[Any, str]] = []
        pending = (
            ReturnRequest.objects.filter(ticket=self.ticket, decision=ReturnDecision.PENDING)
            .select_related("unit", "suggested_unit")
            .first()
            if self.ticket is not None
            else None
        )
        if pending is not None:
            self.intro = [
                (_("returned by"), pending.unit.name),
                (_("reason"), pending.get_reason_display()),
                (_("the unit's explanation"), pending.note),
                (_("the unit suggests"), pending.suggested_unit.name if pending.suggested_unit else "—"),
            ]
            if pending.suggested_unit is not None:
                self.fields["lead_unit"].initial = pending.suggested_unit.code


TICKET_ACTIONS["approve_return"] = TicketAction(
    _("Approve the return"),
    ApproveReturnForm,
    lambda t, u, d: ticket_return_approve(
        ticket=t,
        by=u,
        note=d["note"],
        lead_unit=d["lead_unit"],
        assist_units=d["assist_units"],
        override_reason=d["override_reason"],
    ),
)
TICKET_ACTIONS["whistle"] = TicketAction(
    _("Blow the whistle"),
    WhistleForm,
    lambda t, u, d: whistle_raise(
        ticket=t, by=u, grade=d["grade"], reason=d["reason"], departments=list(d["departments"])
    ),
)
TICKET_ACTIONS["end_whistle"] = TicketAction(
    _("End the whistle"), NoteForm, lambda t, u, d: whistle_end(ticket=t, by=u, note=d["note"])
)
TICKET_ACTIONS["reply"] = TicketAction(
    _("Submit the result"),
    ReplyForm,
    lambda t, u, d: ticket_reply(ticket=t, by=u, result=d["result"]),
)
