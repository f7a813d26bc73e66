"""预警: the early-warning scan (rules in ``evaluation.early_warning``) and supervisors' handling."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.directory.choices import RegionLevel
from dispatch.directory.models import Category, Region
from orders import clock
from orders.exceptions import Conflict
from orders.models import Ticket

from .. import early_warning, selectors
from ..choices import (
    WarningKind,
    WarningStatus,
)
from ..models import (
    EarlyWarning,
)


def _warning_upsert(
    *, kind: str, key: str, title: str, now: dt.datetime, count: int, evidence: dict[str, Any], **where: Any
) -> bool:
    """Raise a warning, or refresh the live one with the same key. True when a new one was raised."""
    live = (
        EarlyWarning.objects.select_for_update().filter(key=key).exclude(status=WarningStatus.CLOSED).first()
    )
    if live is not None:
        live.count, live.evidence, live.last_detected_at, live.title = count, evidence, now, title
        live.save(update_fields=["count", "evidence", "last_detected_at", "title"])
        return False
    EarlyWarning.objects.create(
        kind=kind,
        key=key,
        title=title,
        count=count,
        evidence=evidence,
        first_detected_at=now,
        last_detected_at=now,
        **where,
    )
    return True


@transaction.atomic
def warnings_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """预警扫描: surges, clusters, callers at risk, sensitive tickets. Idempotent: a finding refreshes
    its live warning. Returns how many new warnings of each kind were raised."""
    now = now or clock.now()
    rules = early_warning.Rules.from_settings(settings.INSIGHT_WARNING_RULES)
    names = dict(
        Region.objects.filter(
            level__in=[RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY]
        ).values_list("pk", "name")
    )
    categories = dict(Category.objects.values_list("pk", "name"))
    raised: dict[str, int] = defaultdict(int)
    window = dt.timedelta(days=rules.surge_window_days)
    for row in selectors.surge_candidates(now=now, rules=rules):
        verdict = early_warning.surge(row["recent"], row["baseline"], rules)
        if not verdict.is_surge:
            continue
        street, category = row["street_id"], row["category_id"]
        tickets = Ticket.objects.filter(
            street_id=street, category_id=category, created_at__gte=now - window, created_at__lt=now
        )
        title = _(
            "%(street)s: %(category)s surging (%(n)d in %(days)d days, about %(expected)s expected)"
        ) % {
            "street": names.get(street, ""),
            "category": categories.get(category, ""),
            "n": row["recent"],
            "days": rules.surge_window_days,
            "expected": verdict.expected,
        }
        raised[WarningKind.SURGE] += _warning_upsert(
            kind=WarningKind.SURGE,
            key=f"surge:{street}:{category}",
            title=title,
            now=now,
            count=row["recent"],
            evidence={
                "recent": row["recent"],
                "baseline": row["baseline"],
                "expected": verdict.expected,
                "z": verdict.z,
                "window_days": rules.surge_window_days,
                "baseline_days": rules.surge_baseline_days,
                "tickets": selectors.ticket_numbers(tickets),
            },
            street_id=street,
            district_id=row["street__parent_id"],
            category_id=category,
        )
    for row in selectors.cluster_candidates(now=now, rules=rules):
        if not early_warning.is_cluster(row["n"], rules):
            continue
        place, category = row["region_id"], row["category_id"]
        tickets = Ticket.objects.filter(
            region_id=place,
            category_id=category,
            created_at__gte=now - dt.timedelta(days=rules.cluster_window_days),
            created_at__lt=now,
        )
        title = _("%(place)s: %(n)d tickets about %(category)s within %(days)d days") % {
            "place": names.get(place, ""),
            "n": row["n"],
            "category": categories.get(category, ""),
            "days": rules.cluster_window_days,
        }
        raised[WarningKind.CLUSTER] += _warning_upsert(
            kind=WarningKind.CLUSTER,
            key=f"cluster:{place}:{category}",
            title=title,
            now=now,
            count=row["n"],
            evidence={
                "community": names.get(place, ""),
                "window_days": rules.cluster_window_days,
                "tickets": selectors.ticket_numbers(tickets),
            },
            street_id=row["street_id"],
            district_id=row["district_id"],
            category_id=category,
        )
    for row in selectors.callers_at_risk(now=now, rules=rules):
        reasons = early_warning.caller_at_risk(
            row["tickets"],
            row["unresolved"],
            rules,
            high_risk_unhappy=row["high_risk_unhappy"],
            long_tickets=row["long_tickets"],
        )
        if not reasons:
            continue
        long_view = reasons == [early_warning.LONG_REPEAT]
        days = rules.caller_long_window_days if long_view else rules.caller_window_days
        tickets = Ticket.objects.filter(
            caller_id=row["caller_id"], created_at__gte=now - dt.timedelta(days=days)
        )
        latest = tickets.order_by("-created_at").select_related("street", "category").first()
        assert latest is not None
        why = {
            early_warning.REPEATED_UNRESOLVED: _("%(n)d tickets in %(days)d days, %(u)d found unresolved")
            % {"n": row["tickets"], "days": rules.caller_window_days, "u": row["unresolved"]},
            early_warning.HIGH_RISK_UNHAPPY: _(
                "unresolved or unsatisfied in a high-risk category (%(category)s)"
            )
            % {"category": latest.category.name if latest.category else ""},
            early_warning.LONG_REPEAT: _("%(n)d tickets in %(days)d days")
            % {"n": row["long_tickets"], "days": rules.caller_long_window_days},
        }
        title = _("A caller at risk: %(why)s") % {"why": "; ".join(str(why[r]) for r in reasons)}
        raised[WarningKind.REPEAT_CALLER] += _warning_upsert(
            kind=WarningKind.REPEAT_CALLER,
            key=f"caller:{row['caller_id']}",
            title=title,
            now=now,
            count=row["long_tickets"] if long_view else row["tickets"],
            evidence={
                "tickets": selectors.ticket_numbers(tickets),
                "unresolved": row["unresolved"],
                "reasons": reasons,
            },
            ticket=latest,
            street_id=latest.street_id,
            district_id=latest.district_id,
            category_id=latest.category_id,
        )
    for row in selectors.sensitive_tickets(since=now - dt.timedelta(days=2), until=now):
        raised[WarningKind.SENSITIVE] += _warning_upsert(
            kind=WarningKind.SENSITIVE,
            key=f"sensitive:{row['ticket_id']}",
            title=_("Sensitive content in %(number)s: %(words)s")
            % {"number": row["ticket__number"], "words": row["note"]},
            now=now,
            count=1,
            evidence={"words": row["note"], "tickets": [row["ticket__number"]]},
            ticket_id=row["ticket_id"],
            street_id=row["ticket__street_id"],
            district_id=row["ticket__district_id"],
            category_id=row["ticket__category_id"],
        )
    return {str(kind): n for kind, n in raised.items() if n}


@transaction.atomic
def warning_handle(*, warning: EarlyWarning | int, by: User, close: bool, note: str = "") -> EarlyWarning:
    """A supervisor acknowledges a warning (is on it) or closes it (handled; a note says how)."""
    pk = warning.pk if isinstance(warning, EarlyWarning) else warning
    warning = EarlyWarning.objects.select_for_update().get(pk=pk)
    if not by.has_perm("evaluation.handle_earlywarning"):
        raise PermissionDenied(_("Your role may not do this."))
    if warning.status == WarningStatus.CLOSED:
        raise Conflict(_("This warning is closed."), code="warning_closed", subject="warning")
    now = clock.now()
    if close:
        if not note.strip():
            raise ValidationError({"note": _("Say how the warning was handled.")})
        warning.status, warning.closed_by, warning.closed_at = WarningStatus.CLOSED, by, now
    else:
        if warning.status == WarningStatus.ACKNOWLEDGED:
            raise Conflict(
                _("This warning has been acknowledged."), code="warning_acknowledged", subject="warning"
            )
        warning.status, warning.acknowledged_by, warning.acknowledged_at = WarningStatus.ACKNOWLEDGED, by, now
    if note.strip():
        warning.note = (warning.note + "\n" + note.strip()).strip()
    warning.save()
    return warning
