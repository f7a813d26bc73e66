"""What the scheme's counting rules read (重复诉求只计一次, rework rounds, exemptions): the period's
callback rounds of a group, grouped in the database, with the rounds a later demand of the same
caller superseded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import Lead

from dispatch.directory.choices import AssessmentGroup
from orders.choices import TicketState
from orders.models import Ticket

from . import scoring
from .choices import CallbackOutcome
from .models import Callback

ANALYTIC_WORK_MEM = "128MB"


def analytic_memory() -> None:
    """Give this transaction's sorts and hashes more memory (PostgreSQL ``work_mem``, ``SET LOCAL``).

    The month's superseded tickets are an ``IN`` list of hundreds of thousands of ids: with the
    default 4 MB PostgreSQL cannot hash it and checks every callback against the whole list (five
    million tickets took hours instead of seconds). Only the assessment's transaction asks for it."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{ANALYTIC_WORK_MEM}'")


def superseded_tickets(tickets: QuerySet[Any], repeat_window_days: int) -> QuerySet[Any]:
    """Of the tickets of ``tickets``' callers, those the same caller followed with another ticket in
    the same category within the window (重复诉求只计一次: the latest counts) — as a query of ids. One
    pass: each ticket of those callers is set beside the next one of the same caller and category
    (``LEAD``) instead of looking for a later ticket row by row."""
    callers = Ticket.objects.filter(pk__in=tickets, caller__isnull=False).values("caller_id")
    following = (
        Ticket.objects.filter(caller_id__in=callers)
        .exclude(state__in=[TicketState.REJECTED, TicketState.MERGED, TicketState.ANSWERED])
        .annotate(
            next_at=Window(
                Lead("created_at"),
                partition_by=[F("caller_id"), F("category_id")],
                order_by=[F("created_at").asc(), F("pk").asc()],
            )
        )
        .filter(
            next_at__gt=F("created_at"), next_at__lte=F("created_at") + dt.timedelta(days=repeat_window_days)
        )
    )
    return following.values("pk")


def callback_facts(
    group: str, since: dt.datetime, until: dt.datetime, *, repeat_window_days: int
) -> Iterator[scoring.CallbackFact]:
    """The period's callback rounds of the group's units, as the scheme's counting rules need them,
    grouped in the database: one row per unit and combination of answers, with how many rounds had
    it. A round is ``superseded`` when the same caller filed another ticket in the same category
    within the repeat window after this one (重复诉求只计一次: the latest counts)."""
    analytic_memory()
    key = "district_unit_id" if group == AssessmentGroup.DISTRICT else "unit_id"
    base = Callback.objects.filter(completed_at__gte=since, completed_at__lt=until).exclude(
        outcome__in=[CallbackOutcome.INHERITED, CallbackOutcome.VERIFIED]
    )
    base = (
        base.filter(district_unit__isnull=False)
        if group == AssessmentGroup.DISTRICT
        else base.filter(group=group)
    )
    later = (
        Q(ticket_id__in=superseded_tickets(base.values("ticket_id"), repeat_window_days))
        if repeat_window_days > 0
        else Q(pk__in=[])
    )
    rows = (
        base.annotate(
            superseded=Case(When(later, then=Value(True)), default=Value(False), output_field=BooleanField()),
            first_round=Case(
                When(round=0, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .values(
            key,
            "first_round",
            "is_final",
            "valid",
            "outcome",
            "contacted",
            "resolution",
            "satisfaction",
            "ticket__assessment_exempt",
            "superseded",
            "contradicts_record",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        yield _fact(row, unit=row[key], superseded=row["superseded"])


def _fact(row: dict[str, Any], *, unit: int, superseded: bool) -> scoring.CallbackFact:
    """One grouped row of callback rounds as the scoring reads it."""
    return scoring.CallbackFact(
        unit=unit,
        round=0 if row["first_round"] else 1,
        is_final=row["is_final"],
        valid=row["valid"],
        unreachable=row["outcome"] == CallbackOutcome.UNREACHABLE,
        exempt=row["ticket__assessment_exempt"],
        superseded=superseded,
        contacted=row["contacted"],
        resolution=row["resolution"],
        satisfaction=row["satisfaction"],
        contradicts=row["contradicts_record"],
        count=row["n"],
    )


def callback_facts_by_group(
    since: dt.datetime, until: dt.datetime, *, repeat_windows: dict[str, int]
) -> dict[str, list[scoring.CallbackFact]]:
    """Every group's callback facts of the period from one grouped read of the callbacks (the
    nightly run scores six groups; each reading them again cost a pass over the month each).

    The same rows as :func:`callback_facts` gives group by group: a round counts for the unit of its
    ``group`` and, when it has one, for its district (the district group). Whether a round was
    superseded does not depend on the group — the caller's later tickets are looked for among all
    of them — so it is computed once per distinct repeat window of the groups' schemes."""
    analytic_memory()
    base = Callback.objects.filter(completed_at__gte=since, completed_at__lt=until).exclude(
        outcome__in=[CallbackOutcome.INHERITED, CallbackOutcome.VERIFIED]
    )
    windows = sorted(set(repeat_windows.values()))
    flags = {
        f"superseded_{days}": Case(
            When(Q(ticket_id__in=superseded_tickets(base.values("ticket_id"), days)), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        for days in windows
        if days > 0
    }
    rows = (
        base.annotate(
            **flags,
            first_round=Case(
                When(round=0, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .values(
            "group",
            "unit_id",
            "district_unit_id",
            "first_round",
            "is_final",
            "valid",
            "outcome",
            "contacted",
            "resolution",
            "satisfaction",
            "ticket__assessment_exempt",
            "contradicts_record",
            *flags,
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    facts: dict[str, list[scoring.CallbackFact]] = {group: [] for group in repeat_windows}
    for row in rows:

        def fact(unit: int, group: str, row: dict[str, Any] = row) -> scoring.CallbackFact:
            days = repeat_windows[group]
            return _fact(row, unit=unit, superseded=bool(row[f"superseded_{days}"]) if days > 0 else False)

        if row["group"] in facts and row["group"] != AssessmentGroup.DISTRICT:
            facts[row["group"]].append(fact(row["unit_id"], row["group"]))
        if row["district_unit_id"] is not None and AssessmentGroup.DISTRICT in facts:
            facts[AssessmentGroup.DISTRICT].append(fact(row["district_unit_id"], AssessmentGroup.DISTRICT))
    return facts
