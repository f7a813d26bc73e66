"""The ticket page's 办结 and 重办 forms: closing is recording a callback, so both ask the caller's
answers and call ``services.callback_record`` like the API does. Registered into
``orders.action_forms.TICKET_ACTIONS`` when the app is ready."""

from __future__ import annotations

import dataclasses

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.action_forms import TICKET_ACTIONS, TicketAction

from . import services
from .choices import Resolution, Satisfaction

YES_NO = [("1", _("Yes")), ("0", _("No"))]


class CallbackForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("caller reached"), choices=YES_NO, coerce=lambda v: v == "1", widget=forms.RadioSelect
    )
    contacted = forms.TypedChoiceField(
        label=_("contacted by the unit"),
        choices=YES_NO,
        coerce=lambda v: v == "1",
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    resolution = forms.ChoiceField(
        label=_("resolved"), choices=Resolution.choices, required=False, widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label=_("satisfaction"), choices=[("", "—"), *Satisfaction.choices], required=False
    )
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReworkForm(forms.Form):
    contacted = forms.TypedChoiceField(
        label=_("contacted by the unit"), choices=YES_NO, coerce=lambda v: v == "1", widget=forms.RadioSelect
    )
    resolution = forms.ChoiceField(label=_("resolved"), choices=Resolution.choices, widget=forms.RadioSelect)
    satisfaction = forms.ChoiceField(label=_("satisfaction"), choices=Satisfaction.choices)
    reason = forms.CharField(label=_("what is still wrong"), widget=forms.Textarea(attrs={"rows": 3}))


TICKET_ACTIONS["close"] = TicketAction(
    _("Record the callback"),
    CallbackForm,
    lambda t, u, d: services.callback_record(ticket=t, by=u, action="close", **d),
)
TICKET_ACTIONS["reopen"] = TicketAction(
    _("Reopen for rework"),
    ReworkForm,
    lambda t, u, d: services.callback_record(
        ticket=t,
        by=u,
        reached=True,
        action="reopen",
        contacted=d["contacted"],
        resolution=d["resolution"],
        satisfaction=d["satisfaction"],
        reopen_reason=d["reason"],
    ),
)


class VerifyForm(forms.Form):
    note = forms.CharField(
        label=_("what was checked"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class UnverifiedForm(forms.Form):
    note = forms.CharField(label=_("what is still wrong"), widget=forms.Textarea(attrs={"rows": 3}))


# Work without a caller (主动治理 …) is verified by a supervisor instead of called back.
TICKET_ACTIONS["close"] = dataclasses.replace(
    TICKET_ACTIONS["close"],
    without_caller=TicketAction(
        _("Verify the work"),
        VerifyForm,
        lambda t, u, d: services.ticket_verify(ticket=t, by=u, verified=True, note=d["note"]),
    ),
)
TICKET_ACTIONS["reopen"] = dataclasses.replace(
    TICKET_ACTIONS["reopen"],
    without_caller=TicketAction(
        _("Not verified: back to the unit"),
        UnverifiedForm,
        lambda t, u, d: services.ticket_verify(ticket=t, by=u, verified=False, note=d["note"]),
    ),
)
