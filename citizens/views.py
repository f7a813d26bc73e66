"""The citizen's progress page (进度查询): no login; the ticket number and the last four digits of the
phone it was filed with show its public steps. Limited per address and per number against guessing."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from orders.progress import steps

from . import selectors, services


class ProgressForm(forms.Form):
    number = forms.RegexField(
        label=_("Ticket number"),
        regex=r"^\s*[0-9A-Za-z-]{6,24}\s*$",
        max_length=32,
        error_messages={"invalid": _("A ticket number has 6 to 24 letters and digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    last4 = forms.RegexField(
        label=_("Last four digits of your phone"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("Four digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"}),
    )


def _limited(request: HttpRequest, number: str) -> bool:
    by_address = is_ratelimited(
        request, group="progress-address", key="ip", rate=settings.PROGRESS_RATE_PER_ADDRESS, increment=True
    )
    by_number = is_ratelimited(
        request,
        group="progress-number",
        key=lambda _group, _request: number.strip().upper(),
        rate=settings.PROGRESS_RATE_PER_NUMBER,
        increment=True,
    )
    return bool(by_address or by_number)


@never_cache
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    form = ProgressForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        number, last4 = form.cleaned_data["number"].strip(), form.cleaned_data["last4"]
        if _limited(request, number):
            context["error"] = _("Too many tries. Please wait an hour, or call 12345.")
            status = 429
        else:
            ticket = selectors.ticket_for_citizen(number=number, last4=last4)
            if ticket is None:
                context["error"] = _("No demand matches this number and these digits.")
            else:
                if request.POST.get("stop_messages") == "1" and ticket.caller is not None:
                    services.message_opt_out(caller=ticket.caller)
                    context["stopped"] = True
                context.update(
                    {
                        "ticket": ticket,
                        "steps": steps(ticket, selectors.public_events(ticket)),
                        "opted_out": hasattr(ticket.caller, "message_opt_out")
                        or context.get("stopped", False),
                    }
                )
    return render(request, "citizens/progress.html", context, status=status)
