"""Writers of evaluation: callbacks (回访), appeals (申诉), period scores (考评).

Callbacks close or reopen tickets through ``orders.services``; the period computation aggregates in
the database (conditional aggregates grouped by unit) and stores a snapshot per unit and period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.directory.choices import AssessmentGroup, DemandType, RegionLevel, UnitKind
from dispatch.directory.models import Category, Membership, Region, Unit
from dispatch.selectors import dispatch_statistics
from orders import clock
from orders import services as ticket_services
from orders.access import ticket_scope
from orders.choices import AssignmentRole, Channel, EventKind, ReturnDecision, TicketState
from orders.exceptions import TicketConflict
from orders.hints import hint_after_commit
from orders.models import Assignment, ReturnRequest, Ticket

from . import early_warning, scoring, selectors
from .choices import (
    AppealReason,
    AppealStatus,
    CallbackOutcome,
    ReportKind,
    Satisfaction,
    WarningKind,
    WarningStatus,
)
from .models import (
    Appeal,
    AssessmentScheme,
    Callback,
    CallbackAttempt,
    EarlyWarning,
    MonthlyTopic,
    PeriodScore,
    Report,
)

# ------------------------------------------------------------------------------------ callback


def _assessed(ticket: Ticket) -> tuple[Unit | None, Unit | None, str]:
    """The unit a callback assesses (the lead), its district government, and its group."""
    lead = ticket.lead_unit
    if lead is None:
        return None, None, ""
    # The district-level ranking (16 districts and 经开区) counts the tickets of the district's own
    # government or administration and of every unit under it.
    if lead.assessment_group == AssessmentGroup.DISTRICT:
        district = lead
    elif lead.parent is not None and lead.parent.assessment_group == AssessmentGroup.DISTRICT:
        district = lead.parent
    else:
        district = None
    return lead, district, lead.assessment_group


@transaction.atomic
def callback_record(
    *,
    ticket: Ticket | int,
    by: User,
    reached: bool,
    contacted: bool | None = None,
    resolved: bool | None = None,
    satisfaction: str = "",
    notes: str = "",
    action: str = "close",
    reopen_reason: str = "",
) -> Callback:
    """回访: record one call about a handled ticket, then close it, reopen it, or (not reached) wait.

    After ``CALLBACK_MAX_ATTEMPTS`` unanswered calls the ticket closes with no valid callback. A
    reached caller's answers make a valid callback; the callback staff close the ticket, or send it
    back for rework (重办) when the caller says it is unresolved or is unsatisfied.
    """
    locked = ticket_services.ticket_check(ticket=ticket, transition="close", by=by)
    if locked.is_anonymous and not _is_platform(by):
        # 匿名诉求: the caller trusted the hotline with their number, not a district or a unit.
        raise PermissionDenied(_("Anonymous callers are called back by the hotline centre only."))
    now = clock.now()
    lead, district, group = _assessed(Ticket.objects.select_related("lead_unit__parent").get(pk=locked.pk))
    callback, _created = Callback.objects.select_for_update().get_or_create(
        ticket=locked,
        round=locked.rework_count,
        defaults={"unit": lead, "district_unit": district, "group": group, "started_at": now},
    )
    callback.attempts += 1
    CallbackAttempt.objects.create(callback=callback, at=now, by=by, reached=reached, note=notes[:500])
    if not reached:
        limit = settings.CALLBACK_MAX_ATTEMPTS
        ticket_services.ticket_event_add(
            ticket=locked,
            by=by,
            kind=EventKind.CALLBACK_ATTEMPT,
            note=notes,
            payload={"attempt": callback.attempts, "of": limit, "reached": False},
        )
        if callback.attempts < limit:
            callback.save()
            return callback
        callback.outcome, callback.valid, callback.is_final = CallbackOutcome.UNREACHABLE, False, True
        callback.reached, callback.completed_at, callback.recorded_by = False, now, by
        callback.notes = notes
        callback.save()
        ticket_services.ticket_close(
            ticket=locked,
            by=by,
            note=_("Caller unreachable after %(n)d calls.") % {"n": limit},
            payload={"callback": "unreachable", "attempts": callback.attempts},
        )
        _share_with_children(locked, callback, by)
        return callback

    errors: dict[str, str] = {}
    if contacted is None:
        errors["contacted"] = _("Ask whether the unit contacted the caller.")
    if resolved is None:
        errors["resolved"] = _("Ask whether the matter is resolved.")
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = _("Ask how satisfied the caller is.")
    if action not in ("close", "reopen"):
        errors["action"] = _("Close the ticket or send it back for rework.")
    elif action == "reopen":
        if resolved and satisfaction != Satisfaction.UNSATISFIED:
            errors["action"] = _(
                "Only an unresolved matter or an unsatisfied caller is sent back for rework."
            )
        if not reopen_reason.strip():
            errors["reopen_reason"] = _("Say what is still wrong.")
    if errors:
        raise ValidationError(errors)
    callback.reached, callback.valid = True, True
    callback.contacted, callback.resolved, callback.satisfaction = contacted, resolved, satisfaction
    callback.notes, callback.completed_at, callback.recorded_by = notes, now, by
    answers = {"contacted": contacted, "resolved": resolved, "satisfaction": satisfaction}
    if action == "reopen":
        callback.outcome, callback.is_final = CallbackOutcome.REOPENED, False
        callback.save()
        ticket_services.ticket_reopen(
            ticket=locked, by=by, reason=reopen_reason, payload={"callback": answers}
        )
        return callback
    callback.outcome, callback.is_final = CallbackOutcome.CLOSED, True
    callback.save()
    ticket_services.ticket_close(ticket=locked, by=by, note=notes, payload={"callback": answers})
    _share_with_children(locked, callback, by)
    return callback


def _is_platform(user: User) -> bool:
    return bool(
        user.is_superuser
        or Membership.objects.filter(user=user, is_active=True, unit__kind=UnitKind.HOTLINE_CENTRE).exists()
    )


def _share_with_children(parent: Ticket, callback: Callback, by: User) -> None:
    """并单: merged children share the parent's outcome (shown on them; counted once, on the parent)."""
    for child in Ticket.objects.filter(parent=parent, state=TicketState.MERGED):
        Callback.objects.update_or_create(
            ticket=child,
            round=child.rework_count,
            defaults={
                "unit": callback.unit,
                "district_unit": callback.district_unit,
                "group": callback.group,
                "reached": callback.reached,
                "valid": callback.valid,
                "contacted": callback.contacted,
                "resolved": callback.resolved,
                "satisfaction": callback.satisfaction,
                "outcome": CallbackOutcome.INHERITED,
                "is_final": True,
                "inherited_from": callback,
                "recorded_by": by,
                "completed_at": callback.completed_at,
                "notes": callback.notes,
            },
        )


# -------------------------------------------------------------------------------------- appeals


def scheme_for(group: str, day: dt.date) -> AssessmentScheme:
    scheme = (
        AssessmentScheme.objects.filter(group=group, is_active=True, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    if scheme is None:
        raise ValidationError(_("No assessment scheme is in force for this group; an assessor must add one."))
    return scheme


@transaction.atomic
def appeal_file(*, ticket: Ticket | int, by: User, reason: str, evidence: str) -> Appeal:
    """申诉: the assessed unit disputes a ticket's assessment within the scheme's window."""
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    locked = Ticket.objects.select_for_update(of=("self",)).get(pk=pk)
    if not by.has_perm("evaluation.file_appeal"):
        raise PermissionDenied(_("Your role may not do this."))
    callback = (
        Callback.objects.filter(ticket=locked, is_final=True)
        .exclude(outcome=CallbackOutcome.INHERITED)
        .first()
    )
    if callback is None or callback.unit_id is None:
        raise TicketConflict(_("Only a ticket with a recorded callback can be appealed."), code="no_callback")
    if callback.unit_id not in ticket_scope(by).handler_units:
        raise PermissionDenied(_("Only the assessed unit appeals its assessment."))
    if locked.assessment_exempt:
        raise TicketConflict(_("This ticket is already exempt from the assessment."), code="already_exempt")
    if Appeal.objects.filter(ticket=locked, status=AppealStatus.PENDING).exists():
        raise TicketConflict(_("An appeal for this ticket is already pending."), code="appeal_pending")
    assert callback.completed_at is not None
    window = scheme_for(callback.group, timezone.localdate(callback.completed_at)).appeal_window_days
    if clock.now() > callback.completed_at + dt.timedelta(days=window):
        raise TicketConflict(
            _("The %(days)d days to appeal after the callback have passed.") % {"days": window},
            code="appeal_window_closed",
        )
    errors = {}
    if reason not in AppealReason.values:
        errors["reason"] = _("Choose a reason.")
    if not evidence.strip():
        errors["evidence"] = _("Give the evidence for the appeal.")
    if errors:
        raise ValidationError(errors)
    appeal = Appeal.objects.create(
        ticket=locked,
        callback=callback,
        unit_id=callback.unit_id,
        reason=reason,
        evidence=evidence.strip(),
        filed_by=by,
        filed_at=clock.now(),
    )
    ticket_services.ticket_event_add(
        ticket=locked,
        by=by,
        kind=EventKind.APPEAL,
        note=evidence.strip(),
        payload={"reason": reason},
        unit_id=callback.unit_id,
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal | int, by: User, approve: bool, note: str = "") -> Appeal:
    """申诉审核: an assessor approves (the ticket leaves the rates) or denies; the period is recomputed."""
    pk = appeal.pk if isinstance(appeal, Appeal) else appeal
    appeal = Appeal.objects.select_for_update().select_related("callback").get(pk=pk)
    if not by.has_perm("evaluation.decide_appeal"):
        raise PermissionDenied(_("Only assessors decide appeals."))
    if appeal.status != AppealStatus.PENDING:
        raise TicketConflict(_("This appeal has been decided."), code="appeal_decided")
    if not approve and not note.strip():
        raise ValidationError({"note": _("Tell the unit why the appeal is denied.")})
    appeal.status = AppealStatus.APPROVED if approve else AppealStatus.DENIED
    appeal.decided_by, appeal.decided_at, appeal.decision_note = by, clock.now(), note.strip()
    appeal.save()
    if approve:
        ticket_services.ticket_assessment_exempt_set(ticket=appeal.ticket_id, by=by, exempt=True, note=note)
    ticket_services.ticket_event_add(
        ticket=appeal.ticket_id,
        by=by,
        kind=EventKind.APPEAL_DECISION,
        note=note,
        payload={"approved": approve, "exempt": approve},
    )
    completed = appeal.callback.completed_at
    if approve and completed is not None:
        from .tasks import recompute_period_task

        day = timezone.localdate(completed).isoformat()
        for group in {
            appeal.callback.group,
            AssessmentGroup.DISTRICT if appeal.callback.district_unit_id else "",
        }:
            if group:
                hint_after_commit(recompute_period_task, group, day)
    return appeal


# ----------------------------------------------------------------------------- period scores


def _callback_counts(group: str, since: dt.datetime, until: dt.datetime) -> dict[int, dict[str, int]]:
    """The three-rate counts per assessed unit: one SQL pass with conditional aggregates."""
    key = "district_unit" if group == AssessmentGroup.DISTRICT else "unit"
    base = Callback.objects.filter(is_final=True, completed_at__gte=since, completed_at__lt=until).exclude(
        outcome=CallbackOutcome.INHERITED
    )
    base = (
        base.filter(district_unit__isnull=False)
        if group == AssessmentGroup.DISTRICT
        else base.filter(group=group)
    )
    counted = Q(ticket__assessment_exempt=False)
    valid = counted & Q(valid=True)
    rows = base.values(f"{key}_id").annotate(
        callbacks=Count("pk"),
        valid_callbacks=Count("pk", filter=valid),
        unreachable=Count("pk", filter=Q(outcome=CallbackOutcome.UNREACHABLE) & counted),
        exempt=Count("pk", filter=Q(ticket__assessment_exempt=True)),
        contacted=Count("pk", filter=valid & Q(contacted=True)),
        resolved=Count("pk", filter=valid & Q(resolved=True)),
        satisfied=Count("pk", filter=valid & Q(satisfaction=Satisfaction.SATISFIED)),
        basic=Count("pk", filter=valid & Q(satisfaction=Satisfaction.BASIC)),
        unsatisfied=Count("pk", filter=valid & Q(satisfaction=Satisfaction.UNSATISFIED)),
    )
    return {row.pop(f"{key}_id"): row for row in rows}


def _operations(
    units: dict[int, Unit], group: str, since: dt.datetime, until: dt.datetime, now: dt.datetime
) -> dict[int, dict[str, Any]]:
    """On-time sign-for and handling, overdue, returns — SQL aggregates over lead assignments."""
    lead = Assignment.objects.filter(role=AssignmentRole.LEAD, assigned_at__gte=since, assigned_at__lt=until)
    key = "unit__parent_id" if group == AssessmentGroup.DISTRICT else "unit_id"
    # only the group's own units (for districts, the units under each government)
    in_group = lead.filter(**{f"{key}__in": sorted(units)})
    cutoff = min(now, until)
    sign_due = Q(sign_due_at__isnull=False) & (Q(signed_at__isnull=False) | Q(sign_due_at__lt=cutoff))
    handle_due = Q(handle_due_at__isnull=False) & (Q(replied_at__isnull=False) | Q(handle_due_at__lt=cutoff))
    rows = in_group.values(key).annotate(
        led=Count("ticket_id", distinct=True),
        sign_counted=Count("pk", filter=sign_due),
        sign_on_time=Count("pk", filter=sign_due & Q(signed_at__lte=F("sign_due_at"))),
        handle_counted=Count("pk", filter=handle_due),
        handle_on_time=Count("pk", filter=handle_due & Q(replied_at__lte=F("handle_due_at"))),
        overdue=Count(
            "pk",
            filter=Q(replied_at__gt=F("handle_due_at"))
            | Q(replied_at__isnull=True, handle_due_at__lt=cutoff),
        ),
    )
    stats = {row.pop(key): row for row in rows}
    if group == AssessmentGroup.DISTRICT:  # the government's own tickets count too
        for row in (
            lead.filter(unit__assessment_group=AssessmentGroup.DISTRICT)
            .values("unit_id")
            .annotate(led=Count("ticket_id", distinct=True))
        ):
            entry = stats.setdefault(row["unit_id"], {"led": 0})
            entry["led"] = entry.get("led", 0) + row["led"]
    returns_key = "unit__parent_id" if group == AssessmentGroup.DISTRICT else "unit_id"
    for row in (
        ReturnRequest.objects.filter(
            requested_at__gte=since,
            requested_at__lt=until,
            decision=ReturnDecision.APPROVED,
            **{f"{returns_key}__in": sorted(units)},
        )
        .values(returns_key)
        .annotate(n=Count("pk"))
    ):
        stats.setdefault(row[returns_key], {})["returned"] = row["n"]
    return stats


def _per_thousand(
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


def _rate(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


@transaction.atomic
def period_scores_compute(*, group: str, day: dt.date, final: bool = False) -> int:
    """Compute (or recompute) one group's scores for the period containing ``day``. Idempotent:
    the period's rows are replaced as a whole. Returns how many units were scored."""
    group = AssessmentGroup(group)
    scheme = scheme_for(group, day)
    start, end = scoring.period_of(day, scheme.period_start_day)
    scheme = scheme_for(group, start)
    since, until = scoring.period_bounds(start, end, timezone.get_default_timezone())
    now = clock.now()
    weights = scoring.Weights(
        float(scheme.weight_response),
        float(scheme.weight_resolution),
        float(scheme.weight_satisfaction),
        float(scheme.basic_satisfied_factor),
    )
    units = {
        u.pk: u for u in Unit.objects.filter(assessment_group=group, is_active=True).select_related("parent")
    }
    counts = _callback_counts(group, since, until)
    operations = _operations(units, group, since, until, now)
    dispatch = dispatch_statistics(start=since, end=until, now=now)
    per_thousand = _per_thousand(units, group, since, until)
    label = scoring.period_label(start, scheme.period_start_day)
    scored: dict[int, PeriodScore] = {}
    for pk, unit in units.items():
        c, ops = counts.get(pk, {}), operations.get(pk, {})
        if not c and not ops.get("led"):
            continue  # no work for this unit in the period
        tallies = scoring.Counts(
            valid=c.get("valid_callbacks", 0),
            contacted=c.get("contacted", 0),
            resolved=c.get("resolved", 0),
            satisfied=c.get("satisfied", 0),
            basic=c.get("basic", 0),
            unsatisfied=c.get("unsatisfied", 0),
        )
        rates = scoring.rates(tallies, weights.basic_factor)
        whistle = dispatch.get(pk)
        scored[pk] = PeriodScore(
            unit=unit,
            group=group,
            period_start=start,
            period_end=end,
            label=label,
            scheme=scheme,
            is_final=final,
            computed_at=now,
            tickets=ops.get("led", 0),
            callbacks=c.get("callbacks", 0),
            valid_callbacks=tallies.valid,
            unreachable=c.get("unreachable", 0),
            exempt=c.get("exempt", 0),
            contacted=tallies.contacted,
            resolved=tallies.resolved,
            satisfied=tallies.satisfied,
            basic=tallies.basic,
            unsatisfied=tallies.unsatisfied,
            response_rate=rates.response,
            resolution_rate=rates.resolution,
            satisfaction_rate=rates.satisfaction,
            composite=scoring.composite(rates, weights),
            signed_on_time_rate=_rate(ops.get("sign_on_time", 0), ops.get("sign_counted", 0)),
            handled_on_time_rate=_rate(ops.get("handle_on_time", 0), ops.get("handle_counted", 0)),
            overdue=ops.get("overdue", 0),
            return_rate=_rate(ops.get("returned", 0), ops.get("led", 0)),
            whistles_raised=whistle.whistles_raised if whistle else 0,
            whistle_reports_on_time_rate=(
                100 * whistle.summons_timeliness
                if whistle and whistle.summons_timeliness is not None
                else None
            ),
            whistle_rating=whistle.average_rating if whistle else None,
            per_thousand_residents=per_thousand.get(pk),
        )
    _rank(scored, units, group, start)
    PeriodScore.objects.filter(group=group, period_start=start).delete()
    PeriodScore.objects.bulk_create(scored.values())
    return len(scored)


def _rank(scored: dict[int, PeriodScore], units: dict[int, Unit], group: str, start: dt.date) -> None:
    """Rank within the group (district departments within their district); carry the previous rank."""
    partitions: dict[int | None, dict[int, float | None]] = defaultdict(dict)
    for pk, score in scored.items():
        scope = units[pk].parent_id if group == AssessmentGroup.DISTRICT_DEPARTMENT else None
        partitions[scope][pk] = score.composite
    for members in partitions.values():
        ranks = scoring.rank(members)
        ranked = sum(1 for r in ranks.values() if r is not None)
        for pk, position in ranks.items():
            scored[pk].rank = position
            scored[pk].rank_of = ranked
    previous_start, _ = scoring.previous_period(start)
    previous = dict(
        PeriodScore.objects.filter(group=group, period_start=previous_start, unit_id__in=scored).values_list(
            "unit_id", "rank"
        )
    )
    for pk, score in scored.items():
        score.previous_rank = previous.get(pk)


GROUPS = (
    AssessmentGroup.STREET,
    AssessmentGroup.DISTRICT,
    AssessmentGroup.DEPARTMENT,
    AssessmentGroup.DISTRICT_DEPARTMENT,
    AssessmentGroup.ENTERPRISE,
)


def periods_compute_due(*, today: dt.date | None = None, groups: Iterable[str] = GROUPS) -> dict[str, str]:
    """Nightly: the current period provisionally; the period just ended, finally. Idempotent."""
    today = today or timezone.localdate()
    done = {}
    for group in groups:
        scheme = scheme_for(group, today)
        start, _ = scoring.period_of(today, scheme.period_start_day)
        previous_start, _ = scoring.previous_period(start)
        # the period just ended first, so that the current one carries its ranks as "previous"
        if not PeriodScore.objects.filter(group=group, period_start=previous_start, is_final=True).exists():
            period_scores_compute(group=group, day=previous_start, final=True)
        period_scores_compute(group=group, day=today, final=False)
        done[group] = scoring.period_label(start, scheme.period_start_day)
    return done


# ------------------------------------------------------------------------------ early warnings


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
        tickets = Ticket.objects.filter(
            caller_id=row["caller_id"], created_at__gte=now - dt.timedelta(days=rules.caller_window_days)
        )
        latest = tickets.order_by("-created_at").select_related("street", "category").first()
        assert latest is not None
        title = _("A caller with %(n)d tickets in %(days)d days, %(u)d found unresolved") % {
            "n": row["tickets"],
            "days": rules.caller_window_days,
            "u": row["unresolved"],
        }
        raised[WarningKind.REPEAT_CALLER] += _warning_upsert(
            kind=WarningKind.REPEAT_CALLER,
            key=f"caller:{row['caller_id']}",
            title=title,
            now=now,
            count=row["tickets"],
            evidence={"tickets": selectors.ticket_numbers(tickets), "unresolved": row["unresolved"]},
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
        raise TicketConflict(_("This warning is closed."), code="warning_closed")
    now = clock.now()
    if close:
        if not note.strip():
            raise ValidationError({"note": _("Say how the warning was handled.")})
        warning.status, warning.closed_by, warning.closed_at = WarningStatus.CLOSED, by, now
    else:
        if warning.status == WarningStatus.ACKNOWLEDGED:
            raise TicketConflict(_("This warning has been acknowledged."), code="warning_acknowledged")
        warning.status, warning.acknowledged_by, warning.acknowledged_at = WarningStatus.ACKNOWLEDGED, by, now
    if note.strip():
        warning.note = (warning.note + "\n" + note.strip()).strip()
    warning.save()
    return warning


# --------------------------------------------------------------------- 每月一题 and proactive work


@transaction.atomic
def topic_adopt(*, by: User, category: Category, month: dt.date, title: str) -> MonthlyTopic:
    """An administrator adopts a candidate as the month's topic; its evidence is kept as it was."""
    if not by.has_perm("evaluation.adopt_monthlytopic"):
        raise PermissionDenied(_("Your role may not do this."))
    if not title.strip():
        raise ValidationError({"title": _("Name the topic.")})
    label = month.strftime("%Y-%m")
    if MonthlyTopic.objects.filter(label=label, category=category).exists():
        raise TicketConflict(_("This category is already the topic of that month."), code="topic_exists")
    from .analytics import topic_candidates

    evidence = next((c for c in topic_candidates(month=month, n=50) if c["category"] == category.code), {})
    return MonthlyTopic.objects.create(
        label=label,
        category=category,
        title=title.strip(),
        evidence=evidence,
        adopted_by=by,
        adopted_at=clock.now(),
    )


@transaction.atomic
def proactive_ticket_create(
    *,
    by: User,
    lead_unit: Unit,
    category: Category,
    region: Region,
    content: str,
    warning: EarlyWarning | None = None,
    topic: MonthlyTopic | None = None,
) -> Ticket:
    """主动治理、未诉先办: a supervisor raises a ticket for a unit — from a warning or a topic — and it
    runs through the normal lifecycle (dispatched at once to the unit), reported apart from what
    citizens asked."""
    if not by.has_perm("orders.create_proactive_ticket"):
        raise PermissionDenied(_("Your role may not do this."))
    source: dict[str, Any] = (
        {"warning": warning.pk, "title": warning.title}
        if warning
        else {"topic": topic.pk, "title": topic.title}
        if topic
        else {}
    )
    ticket = ticket_services.ticket_create(
        by=by,
        channel=Channel.PROACTIVE,
        # proactive work is a report of a problem where the category takes one, else a complaint
        demand_type=next(
            (
                t
                for t in (DemandType.REPORT, DemandType.COMPLAINT, DemandType.HELP)
                if t in category.demand_types
            ),
            (category.demand_types or [DemandType.COMPLAINT])[0],
        ),
        category=category,
        region=region,
        content=content,
    ).ticket
    if source:
        ticket_services.ticket_event_add(
            ticket=ticket, by=by, kind=EventKind.NOTE, note=source["title"], payload={"source": source}
        )
    ticket = ticket_services.ticket_dispatch(
        ticket=ticket,
        by=by,
        lead_unit=lead_unit,
        note=_("Proactive governance"),
        payload={"proactive": source},
    )
    if warning is not None and warning.status == WarningStatus.OPEN:
        warning_handle(
            warning=warning,
            by=by,
            close=False,
            note=_("Proactive ticket %(number)s") % {"number": ticket.number},
        )
    return ticket


# ----------------------------------------------------------------------------------- reports


@transaction.atomic
def report_build(*, kind: str, start: dt.datetime, end: dt.datetime, label: str) -> Report:
    """Build (or rebuild) the report of a window; stored whole."""
    from .reports import report_figures

    report, _created = Report.objects.update_or_create(
        kind=kind,
        window_start=start,
        defaults={
            "label": label,
            "window_end": end,
            "data": report_figures(kind=kind, start=start, end=end),
            "built_at": clock.now(),
        },
    )
    return report


def reports_build_due(*, now: dt.datetime | None = None) -> list[str]:
    """Hourly: each kind's last complete window, if its report is not built yet. Idempotent."""
    from .reports import window_ending_before

    now = now or clock.now()
    built = []
    for kind in ReportKind.values:
        start, end, label = window_ending_before(kind, now)
        if not Report.objects.filter(kind=kind, window_start=start).exists():
            report_build(kind=kind, start=start, end=end, label=label)
            built.append(f"{kind} {label}")
    return built
