"""Dispatch's actions on the ticket pages — the whistle (街乡吹哨), ending it, and the result (办理反馈,
which ends an open whistle) — registered into ``orders.action_forms.TICKET_ACTIONS`` when the app is
ready, calling ``dispatch.services`` like the API does."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dispatch.choices import WhistleGrade
from dispatch.directory.choices import UnitKind
from dispatch.directory.models import Unit
from dispatch.services import ticket_reply, whistle_end, whistle_raise
from orders.action_forms import TICKET_ACTIONS, NoteForm, ReplyForm, TicketAction


class WhistleForm(forms.Form):
    grade = forms.ChoiceField(label=_("grade"), choices=WhistleGrade.choices)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    departments = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.filter(
            is_active=True,
            kind__in=[UnitKind.DISTRICT_DEPARTMENT, UnitKind.MUNICIPAL_DEPARTMENT, UnitKind.ENTERPRISE],
        ).order_by("code"),
        to_field_name="code",
        label=_("departments summoned"),
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
