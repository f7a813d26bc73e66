"""Which pages each role opens. The templates' navigation and the landing page read this."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orders.access import ticket_scope


@dataclass(frozen=True)
class Page:
    url_name: str
    title: str | Promise
    description: str | Promise
    # None: any signed-in user; "staff": users who may open the admin; "assessment": assessors and
    # anyone working for a unit (who sees their own unit's scores); otherwise a permission.
    permission: str | None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


PAGES: list[Page] = [
    Page(
        "admin:index", _("Administration"), _("Reference data, catalog, users and the audit trail."), "staff"
    ),
    Page(
        "desk:intake",
        _("Intake desk"),
        _("Log a caller's demand: history, knowledge-base answers, duplicates, the route it will take."),
        "orders.create_ticket",
    ),
    Page(
        "desk:dispatch",
        _("Dispatch desk"),
        _("Tickets waiting for dispatch with the suggested units, return requests, auto-dispatch failures."),
        "orders.dispatch_ticket",
    ),
    Page(
        "desk:inbox",
        _("Inbox"),
        _("Your unit's tickets by due time, whistles to report to, notices."),
        "desk-inbox",
    ),
    Page(
        "callbacks:queue",
        _("Callback queue"),
        _("Handled tickets to call back, the most urgent first."),
        "orders.close_ticket",
    ),
    Page(
        "callbacks:verify",
        _("Verification queue"),
        _("Handled work without a caller (proactive, media, referrals) to verify, close or send back."),
        "orders.verify_ticket",
    ),
    Page(
        "desk:supervision",
        _("Supervision"),
        _("Overdue and escalated tickets across the units you oversee."),
        "desk-supervision",
    ),
    Page(
        "assessment:ranking",
        _("Assessment"),
        _("Monthly response, resolution and satisfaction rates, scores and rankings (三率考评)."),
        "assessment",
    ),
    Page(
        "assessment:reviews",
        _("Reviews"),
        _("Appeals, exemption requests and callbacks contradicting a unit's record; the schemes."),
        "evaluation.decide_appeal",
    ),
    Page(
        "assessment:map",
        _("Assessment map"),
        _("The city's districts coloured by score, with the streets and townships of each."),
        "evaluation.view_periodscore",
    ),
    Page(
        "insight:dashboard",
        _("Insight"),
        _("Volume by district and street, categories, the daily trend and the streets' quadrants."),
        "evaluation.view_earlywarning",
    ),
    Page(
        "insight:warnings",
        _("Early warnings"),
        _("Surges, clusters, callers left unresolved and sensitive tickets, found every half hour."),
        "evaluation.view_earlywarning",
    ),
    Page(
        "insight:reports",
        _("Reports"),
        _("Daily (12:00 to 12:00), weekly and monthly reports, with CSV and Excel."),
        "evaluation.view_earlywarning",
    ),
    Page("api-docs", _("API documentation"), _("The REST API with its OpenAPI schema."), None),
]


def pages_for(user: AbstractBaseUser | AnonymousUser) -> list[Page]:
    visible = []
    for page in PAGES:
        if page.permission is None:
            visible.append(page)
        elif page.permission == "assessment":
            if user.has_perm("evaluation.view_periodscore") or _works_for_a_unit(user):
                visible.append(page)
        elif page.permission == "desk-inbox":
            if user.is_authenticated and ticket_scope(user).handler_units:
                visible.append(page)
        elif page.permission == "desk-supervision":
            if user.is_authenticated and (ticket_scope(user).supervised_units or _oversees_all(user)):
                visible.append(page)
        elif page.permission == "staff":
            if getattr(user, "is_staff", False):
                visible.append(page)
        elif user.has_perm(page.permission):
            visible.append(page)
    return visible


def _works_for_a_unit(user: AbstractBaseUser | AnonymousUser) -> bool:
    from dispatch.directory.models import Membership

    return bool(user.is_authenticated and Membership.objects.filter(user=user, is_active=True).exists())


def _oversees_all(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.has_perm("orders.decide_extension") and ticket_scope(user).everything)
