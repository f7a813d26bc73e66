"""Insight pages (以数感知): the early-warning list, with acknowledge and close for supervisors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.exceptions import TicketConflict

from . import selectors, services
from .choices import WarningKind, WarningStatus


@login_required
@permission_required("evaluation.view_earlywarning", raise_exception=True)
def warnings_page(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or WarningStatus.OPEN
    kind = request.GET.get("kind") or ""
    warnings = selectors.warnings_for_user(user=request.user)
    if status in WarningStatus.values:
        warnings = warnings.filter(status=status)
    if kind in WarningKind.values:
        warnings = warnings.filter(kind=kind)
    return render(
        request,
        "evaluation/warnings.html",
        {
            "warnings": list(warnings[:300]),
            "status": status,
            "kind": kind,
            "statuses": WarningStatus.choices,
            "kinds": WarningKind.choices,
            "may_handle": request.user.has_perm("evaluation.handle_earlywarning"),
        },
    )


@login_required
@require_POST
def warning_handle(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    warning = selectors.warnings_for_user(user=request.user).filter(pk=pk).first()
    if warning is None or action not in ("acknowledge", "close"):
        raise Http404
    try:
        services.warning_handle(
            warning=warning,
            by=request.user,
            close=action == "close",
            note=request.POST.get("note", ""),  # type: ignore[arg-type]
        )
        messages.success(request, _("Warning updated."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (PermissionDenied, TicketConflict) as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("insight:warnings"))
