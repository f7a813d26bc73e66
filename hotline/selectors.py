"""Reads for the desk pages, scoped like every read: a unit's inbox holds its own assignments, the
supervision view the units a supervisor oversees (every unit for hotline roles)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When

from dispatch.directory.cache import cached
from dispatch.directory.models import Category, Region
from dispatch.directory.reads import region_ancestor_at
from dispatch.models import WhistleSummons
from orders.access import ticket_scope
from orders.choices import AssignmentRole, ReturnDecision, TicketState
from orders.models import Assignment, Caller, Notice, ReturnRequest, Ticket, TicketEvent
from orders.privacy import phone_hash, phone_normalize
from orders.selectors import scope_q

from . import sensitive, similarity
from .choices import CallerFlagStatus
from .models import Article, CallerFlag, SensitiveRule

OPEN_STATES = [
    TicketState.DISPATCHED,
    TicketState.ACCEPTED,
    TicketState.RETURN_REQUESTED,
    TicketState.ESCALATED,
]


def inbox(*, user: Any) -> QuerySet[Assignment]:
    """The open assignments of the user's units, the most urgent first: the sign-for deadline until
    signed, then the handling deadline; an assisting unit's part deadline until it files the part."""
    units = sorted(ticket_scope(user).handler_units)
    return (
        Assignment.objects.filter(unit_id__in=units, ended_at__isnull=True, ticket__state__in=OPEN_STATES)
        # A summoned department sees its whistles in their own list (pending_summons), not here.
        .exclude(role=AssignmentRole.SUMMONED)
        .select_related("ticket__category", "ticket__street", "ticket__district", "unit")
        .defer("ticket__street__boundary", "ticket__district__boundary")
        .annotate(
            # an assisting unit's deadline is its part's (协办反馈), until it files it
            due_at=Case(
                When(role=AssignmentRole.ASSIST, replied_at__isnull=False, then=None),
                When(role=AssignmentRole.ASSIST, then=F("handle_due_at")),
                When(signed_at__isnull=True, then=F("sign_due_at")),
                default=F("handle_due_at"),
            ),
            due_provisional=Case(
                When(role=AssignmentRole.ASSIST, then=F("handle_due_provisional")),
                When(signed_at__isnull=True, then=F("sign_due_provisional")),
                default=F("handle_due_provisional"),
            ),
        )
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )


def pending_summons(*, user: Any) -> QuerySet[WhistleSummons]:
    """Whistles the user's units must still report to (部门报到)."""
    units = sorted(ticket_scope(user).handler_units)
    return (
        WhistleSummons.objects.filter(unit_id__in=units, reported_at__isnull=True, whistle__status="open")
        .select_related("whistle__ticket__category", "whistle__ticket__street", "unit")
        .defer("whistle__ticket__street__boundary")
        .order_by("report_by", "pk")
    )


def unread_notices(*, user: Any, limit: int = 20) -> list[Notice]:
    units = sorted(ticket_scope(user).visible_units)
    return list(
        Notice.objects.filter(unit_id__in=units, read_at__isnull=True)
        .select_related("ticket")
        .order_by("-created_at")[:limit]
    )


def supervision(*, user: Any, now: dt.datetime) -> QuerySet[Ticket]:
    """督办: open tickets whose lead unit is past a deadline, and escalated ones, across the units the
    user oversees."""
    overdue = Q(
        assignments__ended_at__isnull=True,
        assignments__role="lead",
    ) & (
        Q(assignments__signed_at__isnull=True, assignments__sign_due_at__lt=now)
        | Q(assignments__replied_at__isnull=True, assignments__handle_due_at__lt=now)
    )
    lead = Assignment.objects.filter(ticket=OuterRef("pk"), role="lead", ended_at__isnull=True)
    return (
        Ticket.objects.filter(scope_q(ticket_scope(user)), state__in=OPEN_STATES)
        .filter(overdue | Q(state=TicketState.ESCALATED))
        .annotate(
            sign_due_at=Subquery(lead.filter(signed_at__isnull=True).values("sign_due_at")[:1]),
            sign_due_provisional=Subquery(
                lead.filter(signed_at__isnull=True).values("sign_due_provisional")[:1]
            ),
            handle_due_at=Subquery(lead.filter(replied_at__isnull=True).values("handle_due_at")[:1]),
            handle_due_provisional=Subquery(
                lead.filter(replied_at__isnull=True).values("handle_due_provisional")[:1]
            ),
        )
        .select_related("category", "street", "district", "lead_unit")
        .defer("street__boundary", "district__boundary")
        .distinct()
        .order_by("created_at", "pk")
    )


# ----------------------------------------------------------------------------- intake intelligence

FINAL_STATES = [TicketState.CLOSED, TicketState.ANSWERED, TicketState.REJECTED, TicketState.MERGED]
DUPLICATE_WINDOW = dt.timedelta(days=7)
CALLER_WINDOW = dt.timedelta(days=30)
POOL_LIMIT = 300


def sensitive_rules() -> list[sensitive.Rule]:
    """The active rules, read once per process for the directory cache's lifetime (every intake
    checks them); a rule saved or deleted in this process clears them at once (models.SensitiveRule),
    other processes follow within DIRECTORY_CACHE_SECONDS."""

    def load() -> list[sensitive.Rule]:
        return [
            sensitive.Rule(*row)
            for row in SensitiveRule.objects.filter(is_active=True).values_list(
                "pk", "pattern", "is_regex", "kind", "raise_to"
            )
        ]

    return cached("hotline", "sensitive_rules", load)


def duplicate_candidates(
    *, street_id: int | None, family_id: int | None, caller_id: int | None, now: dt.datetime
) -> list[similarity.Candidate]:
    """Open tickets that could be the same problem: the same street and category family in the last
    week, and the same caller's in the last month (newest first, a bounded pool)."""
    columns = ("pk", "content", "street_id", "category_id", "category__parent_id", "caller_id")
    open_tickets = Ticket.objects.exclude(state__in=FINAL_STATES)
    rows: dict[int, tuple[Any, ...]] = {}
    if street_id is not None and family_id is not None:
        nearby = open_tickets.filter(
            street_id=street_id, created_at__gte=now - DUPLICATE_WINDOW, category__parent_id=family_id
        ).order_by("-created_at")
        rows.update((row[0], row) for row in nearby.values_list(*columns)[:POOL_LIMIT])
    if caller_id is not None:
        own = open_tickets.filter(caller_id=caller_id, created_at__gte=now - CALLER_WINDOW).order_by(
            "-created_at"
        )
        rows.update((row[0], row) for row in own.values_list(*columns)[:POOL_LIMIT])
    return [similarity.Candidate(*row) for row in rows.values()]


def caller_by_phone(phone: str) -> Caller | None:
    """The caller with this number (normalised, then looked up by its keyed hash), or None."""
    return Caller.objects.filter(phone_hash=phone_hash(phone_normalize(phone))).first()


def caller_history(*, caller: Caller, limit: int = 50) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(caller=caller)
        .select_related("category", "street", "lead_unit")
        .defer("street__boundary")
        .order_by("-created_at")[:limit]
    )


REPEAT_TICKETS = 3  # 频繁来电: this many tickets within CALLER_WINDOW
REPEAT_SAME_CATEGORY = 2  # 重复诉求: this many about the same category within CALLER_WINDOW


def caller_signals(*, caller: Caller, now: dt.datetime) -> dict[str, Any]:
    """What the agent should know before taking the call: frequent caller, repeated demands about the
    same thing (with how many are still open or were reworked), an approved abusive-caller flag."""
    recent = Ticket.objects.filter(caller=caller, created_at__gte=now - CALLER_WINDOW)
    count = recent.count()
    repeated = [
        {
            "category": row["category__name"],
            "code": row["category__code"],
            "tickets": row["n"],
            "unresolved": row["unresolved"],
        }
        for row in recent.values("category__name", "category__code")
        .annotate(
            n=Count("pk"),
            unresolved=Count("pk", filter=~Q(state__in=FINAL_STATES) | Q(rework_count__gt=0)),
        )
        .filter(n__gte=REPEAT_SAME_CATEGORY)
        .order_by("-n")
    ]
    flag = (
        CallerFlag.objects.filter(caller=caller, status=CallerFlagStatus.APPROVED, expires_at__gt=now)
        .order_by("-expires_at")
        .first()
    )
    return {
        "tickets_30_days": count,
        "frequent": count >= REPEAT_TICKETS,
        "repeated": repeated,
        "abusive": None
        if flag is None
        else {"reason": flag.reason, "expires_at": flag.expires_at, "flag_id": flag.pk},
    }


def caller_flags(*, status: str | None = None) -> QuerySet[CallerFlag]:
    queryset = CallerFlag.objects.select_related("caller", "requested_by", "reviewed_by").order_by(
        "-requested_at"
    )
    return queryset.filter(status=status) if status else queryset


def article_search(*, query: str, category: Category | None = None, limit: int = 10) -> list[Article]:
    """Published articles for a query, best first. Text is matched by Chinese bigrams over title and
    answer; articles filed under the demand's category (or its family) rank higher, and with no
    text they are what is offered."""
    wanted = similarity.tokens(query)
    terms = [t for t, _n in wanted.most_common(12)]
    related = [c for c in (category.pk if category else None, category.parent_id if category else None) if c]
    queryset = Article.objects.filter(is_published=True).select_related("category", "owner_unit")
    match = Q(category_id__in=related) if related else Q()
    for term in terms:
        match |= Q(title__icontains=term) | Q(body__icontains=term)
    if not match:
        return []
    queryset = queryset.filter(match)
    pool = list(queryset.order_by("-updated_at")[:200])

    def rank(article: Article) -> float:
        title, body = similarity.tokens(article.title), similarity.tokens(article.body)
        score = 2 * sum(1 for t in wanted if t in title) + sum(1 for t in wanted if t in body)
        if article.category_id in related:
            score += 3
        return score

    return sorted(pool, key=lambda a: (-rank(a), a.title))[:limit]


def direct_answer_rate(*, since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    """直接答复率: of the demands logged in the period (refusals aside), the share answered at once."""
    counts = Ticket.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
        logged=Count("pk", filter=~Q(state=TicketState.REJECTED)),
        answered=Count("pk", filter=Q(state=TicketState.ANSWERED)),
    )
    from_articles = TicketEvent.objects.filter(
        kind="answer", created_at__gte=since, created_at__lt=until, payload__has_key="article"
    ).count()
    logged, answered = counts["logged"], counts["answered"]
    return {
        "logged": logged,
        "answered": answered,
        "answered_from_articles": from_articles,
        "rate": round(100 * answered / logged, 2) if logged else None,
    }


def duplicates_for(
    *, content: str, category: Category | None, region: Region | None, caller_phone: str, now: dt.datetime
) -> list[dict[str, Any]]:
    """并单建议: the likeliest open duplicates of a demand being typed, with score and reasons."""
    street = region_ancestor_at(region, "street") if region is not None else None
    caller = caller_by_phone(caller_phone) if caller_phone else None
    family_id = category.parent_id if category is not None else None
    pool = duplicate_candidates(
        street_id=street.pk if street else None,
        family_id=family_id,
        caller_id=caller.pk if caller else None,
        now=now,
    )
    demand = similarity.Demand(
        content=content,
        street_id=street.pk if street else None,
        category_id=category.pk if category else None,
        family_id=family_id,
        caller_id=caller.pk if caller else None,
    )
    found = similarity.suggest(demand, pool)
    tickets = {
        t.pk: t
        for t in Ticket.objects.filter(pk__in=[s.id for s in found])
        .select_related("category", "street")
        .defer("street__boundary")
    }
    rows = []
    for suggestion in found:
        ticket = tickets[suggestion.id]
        rows.append(
            {
                "id": ticket.pk,
                "number": ticket.number,
                "state": ticket.state,
                "created_at": ticket.created_at,
                "category": ticket.category.name,
                "street": ticket.street.name if ticket.street else None,
                "content": ticket.content[:200],
                "score": suggestion.score,
                "text_similarity": suggestion.text_similarity,
                "reasons": suggestion.reasons,
            }
        )
    return rows


# ------------------------------------------------------------------------- the dispatcher's desk


def dispatch_queue(
    *, user: Any, district: str = "", overdue_at: dt.datetime | None = None
) -> QuerySet[Ticket]:
    """待派工单: received tickets waiting for a dispatcher, the most pressing first (the dispatch
    deadline, then the oldest), with what the desk shows of each."""
    if not user.has_perm("orders.dispatch_ticket"):
        return Ticket.objects.none()
    queryset = (
        Ticket.objects.filter(state=TicketState.RECEIVED)
        .select_related("category__parent__parent", "region", "district", "street", "auto_dispatch_failure")
        .defer("region__boundary", "district__boundary", "street__boundary")
        .order_by(F("dispatch_due_at").asc(nulls_last=True), "created_at", "pk")
    )
    if district:
        queryset = queryset.filter(district__code=district)
    if overdue_at is not None:
        queryset = queryset.filter(dispatch_due_at__lt=overdue_at)
    return queryset


def returns_pending(*, user: Any) -> QuerySet[Ticket]:
    """退单申请: tickets whose lead unit asked to give them back, the oldest request first, each with
    its pending request (``pending_returns``)."""
    if not user.has_perm("orders.decide_return_ticket"):
        return Ticket.objects.none()
    pending = ReturnRequest.objects.filter(decision=ReturnDecision.PENDING).select_related(
        "unit", "suggested_unit", "requested_by"
    )
    return (
        Ticket.objects.filter(state=TicketState.RETURN_REQUESTED)
        .select_related("category__parent__parent", "region", "district", "street", "lead_unit")
        .defer("region__boundary", "district__boundary", "street__boundary")
        .prefetch_related(Prefetch("return_requests", queryset=pending, to_attr="pending_returns"))
        .annotate(
            requested_at=Subquery(
                ReturnRequest.objects.filter(ticket=OuterRef("pk"), decision=ReturnDecision.PENDING).values(
                    "requested_at"
                )[:1]
            )
        )
        .order_by(F("requested_at").asc(nulls_last=True), "pk")
    )
