"""What the assessment reads of the units' work in a period, beside the callbacks (counting.py):
the lead assignments' operations (sign-for and handling on time, overdue, returns), tickets per
1,000 residents, and proactive work's outcomes — alone for one group, or once for every group in
the nightly run (``shared``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from dispatch.directory.choices import AssessmentGroup, RegionLevel
from dispatch.directory.models import Region, Unit
from orders.choices import AssignmentRole, ReturnDecision
from orders.models import Assignment, ReturnRequest, Ticket

from .models import Verification


def _operations_counters(cutoff: dt.datetime) -> dict[str, Any]:
    """The lead assignments' counters of a period (the deadlines falling due by ``cutoff``)."""
    sign_due = Q(sign_due_at__isnull=False) & (Q(signed_at__isnull=False) | Q(sign_due_at__lt=cutoff))
    handle_due = Q(handle_due_at__isnull=False) & (Q(replied_at__isnull=False) | Q(handle_due_at__lt=cutoff))
    contact_due = Q(first_contact_due_at__isnull=False) & (
        Q(first_contact_at__isnull=False) | Q(first_contact_due_at__lt=cutoff)
    )
    without_caller = Q(ticket__caller__isnull=True)
    return {
        "led": Count("ticket_id", distinct=True),
        "contact_counted": Count("pk", filter=contact_due),
        "contact_on_time": Count(
            "pk", filter=contact_due & Q(first_contact_at__lte=F("first_contact_due_at"))
        ),
        "proactive_counted": Count("pk", filter=without_caller & handle_due),
        "proactive_on_time": Count(
            "pk", filter=without_caller & handle_due & Q(replied_at__lte=F("handle_due_at"))
        ),
        "sign_counted": Count("pk", filter=sign_due),
        "sign_on_time": Count("pk", filter=sign_due & Q(signed_at__lte=F("sign_due_at"))),
        "handle_counted": Count("pk", filter=handle_due),
        "handle_on_time": Count("pk", filter=handle_due & Q(replied_at__lte=F("handle_due_at"))),
        "overdue": Count(
            "pk",
            filter=Q(replied_at__gt=F("handle_due_at"))
            | Q(replied_at__isnull=True, handle_due_at__lt=cutoff),
        ),
    }


def _lead_in(since: dt.datetime, until: dt.datetime) -> QuerySet[Assignment]:
    return Assignment.objects.filter(role=AssignmentRole.LEAD, assigned_at__gte=since, assigned_at__lt=until)


def _approved_returns(since: dt.datetime, until: dt.datetime) -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.filter(
        requested_at__gte=since, requested_at__lt=until, decision=ReturnDecision.APPROVED
    )


def operations_by_unit_and_district(
    since: dt.datetime, until: dt.datetime, now: dt.datetime
) -> dict[str, dict[int, dict[str, Any]]]:
    """Every unit's operations of the period in two reads of the month's lead assignments — by unit,
    and by the unit's parent (a district government: the district group) — and the approved returns
    likewise, for a run over every group (``unit_operations(shared=…)``); six groups each reading
    the month again cost a pass each."""
    counters = _operations_counters(min(now, until))
    lead = _lead_in(since, until)
    under_a_parent = lead.filter(unit__parent__isnull=False)
    returns = _approved_returns(since, until)
    return {
        "unit": _keyed(lead.values("unit_id").annotate(**counters), "unit_id"),
        "parent": _keyed(under_a_parent.values("unit__parent_id").annotate(**counters), "unit__parent_id"),
        "returned_unit": _keyed(returns.values("unit_id").annotate(returned=Count("pk")), "unit_id"),
        "returned_parent": _keyed(
            returns.filter(unit__parent__isnull=False)
            .values("unit__parent_id")
            .annotate(returned=Count("pk")),
            "unit__parent_id",
        ),
    }


def _keyed(rows: Any, key: str) -> dict[int, dict[str, Any]]:
    """Grouped rows by their group's id, the id taken out of each row."""
    return {row[key]: {name: value for name, value in row.items() if name != key} for row in rows.order_by()}


def unit_operations(
    units: dict[int, Unit],
    group: str,
    since: dt.datetime,
    until: dt.datetime,
    now: dt.datetime,
    *,
    shared: dict[Any, Any] | None = None,
) -> dict[int, dict[str, Any]]:
    """On-time sign-for and handling, overdue, returns — SQL aggregates over lead assignments.

    A district government's figures are those of the units under it (``parent``), and the tickets
    it led itself count too. With ``shared`` (a run over every group) they are taken from one read
    for all groups (:func:`operations_by_unit_and_district`)."""
    district = group == AssessmentGroup.DISTRICT
    if shared is not None:
        shared_key = ("operations", since, until)
        if shared_key not in shared:
            shared[shared_key] = operations_by_unit_and_district(since, until, now)
        by = shared[shared_key]
        rows, returns = (
            (by["parent"], by["returned_parent"]) if district else (by["unit"], by["returned_unit"])
        )
        stats = {pk: dict(rows[pk]) for pk in units if pk in rows}
        if district:
            for pk in units:
                if by["unit"].get(pk, {}).get("led"):
                    entry = stats.setdefault(pk, {"led": 0})
                    entry["led"] = entry.get("led", 0) + by["unit"][pk]["led"]
        for pk in units:
            if pk in returns:
                stats.setdefault(pk, {})["returned"] = returns[pk]["returned"]
        return stats
    lead = _lead_in(since, until)
    key = "unit__parent_id" if district else "unit_id"
    # only the group's own units (for districts, the units under each government)
    rows_in_group = (
        lead.filter(**{f"{key}__in": sorted(units)})
        .values(key)
        .annotate(**_operations_counters(min(now, until)))
    )
    stats = {row.pop(key): row for row in rows_in_group}
    if district:  # the government's own tickets count too
        for row in (
            lead.filter(unit__assessment_group=AssessmentGroup.DISTRICT)
            .values("unit_id")
            .annotate(led=Count("ticket_id", distinct=True))
        ):
            entry = stats.setdefault(row["unit_id"], {"led": 0})
            entry["led"] = entry.get("led", 0) + row["led"]
    for row in (
        _approved_returns(since, until)
        .filter(**{f"{key}__in": sorted(units)})
        .values(key)
        .annotate(n=Count("pk"))
    ):
        stats.setdefault(row[key], {})["returned"] = row["n"]
    return stats


def volume_per_thousand(
    units: dict[int, Unit], group: str, since: dt.datetime, until: dt.datetime
) -> dict[int, float]:
    """Tickets per 1,000 residents, where the unit's region has a population (districts)."""
    if group != AssessmentGroup.DISTRICT:
        return {}
    population = dict(
        Region.objects.filter(level=RegionLevel.DISTRICT, population__isnull=False).values_list(
            "pk", "population"
        )
    )
    volume = dict(
        Ticket.objects.filter(created_at__gte=since, created_at__lt=until)
        .values("district_id")
        .annotate(n=Count("pk"))
        .values_list("district_id", "n")
    )
    return {
        unit.pk: 1000 * volume.get(unit.region_id, 0) / people
        for unit in units.values()
        if (people := population.get(unit.region_id))
    }


def _proactive_verifications(since: dt.datetime, until: dt.datetime, repeat_days: int) -> QuerySet[Any]:
    """The period's verifications of work without a caller, each with whether a citizen complained
    of the same problem afterwards (same category and place, within ``repeat_days`` of the check;
    ``ticket_region_category_created`` serves the look-up)."""
    complained = Ticket.objects.filter(
        caller__isnull=False,
        region_id=OuterRef("ticket__region_id"),
        category_id=OuterRef("ticket__category_id"),
        created_at__gt=OuterRef("at"),
        created_at__lte=OuterRef("at") + dt.timedelta(days=repeat_days),
    )
    return Verification.objects.filter(at__gte=since, at__lt=until).annotate(complained=Exists(complained))


def _proactive_counts(rows: Iterable[dict[str, Any]], key: str) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        if row[key] is None:
            continue
        entry = counts.setdefault(
            row[key], {"closed": 0, "first_checked": 0, "first_verified": 0, "complained_after": 0}
        )
        entry["closed"] += row["verified"]
        entry["first_checked"] += row["round"] == 0
        entry["first_verified"] += row["round"] == 0 and row["verified"]
        entry["complained_after"] += row["verified"] and row["complained"]
    return counts


def proactive_outcomes(
    units: dict[int, Unit],
    group: str,
    since: dt.datetime,
    until: dt.datetime,
    *,
    repeat_days: int = 30,
    shared: dict[Any, Any] | None = None,
) -> dict[int, dict[str, int]]:
    """主动治理 per unit: work without a caller verified in the period, how much at the first
    verification, and how much drew a citizen's complaint on the same problem afterwards (same
    category and place, within ``repeat_days`` of the close). A district government counts the
    units under it. With ``shared`` (a run over every group) the period's verifications are read
    once for all groups — each with its complaint look-up — instead of once a group."""
    key = "unit__parent_id" if group == AssessmentGroup.DISTRICT else "unit_id"
    if shared is not None:
        shared_key = ("proactive", since, until, repeat_days)
        if shared_key not in shared:
            rows = list(
                _proactive_verifications(since, until, repeat_days).values(
                    "unit_id", "unit__parent_id", "round", "verified", "complained"
                )
            )
            shared[shared_key] = {
                "unit_id": _proactive_counts(rows, "unit_id"),
                "unit__parent_id": _proactive_counts(rows, "unit__parent_id"),
            }
        return {pk: counts for pk, counts in shared[shared_key][key].items() if pk in units}
    verified = _proactive_verifications(since, until, repeat_days).filter(**{f"{key}__in": sorted(units)})
    rows = verified.values(key).annotate(
        closed=Count("pk", filter=Q(verified=True)),
        first_checked=Count("pk", filter=Q(round=0)),
        first_verified=Count("pk", filter=Q(round=0, verified=True)),
        complained_after=Count("pk", filter=Q(verified=True, complained=True)),
    )
    return {row.pop(key): row for row in rows}
