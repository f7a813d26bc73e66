"""The landing page: who you are, which units you work for, and the pages your roles open."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.navigation import pages_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.filter(is_active=True).select_related("unit")  # type: ignore[union-attr]
    return render(request, "home.html", {"memberships": memberships, "pages": pages_for(request.user)})
