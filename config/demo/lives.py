"""One demo ticket's life, step by step through the real services with the clock set to each step's
moment; and the callback round that ends it."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth.models import User

from dispatch.directory.choices import UnitKind
from dispatch.directory.models import Category, Region, Unit
from dispatch.services import (
    ticket_reply,
    ticket_route_dispatch,
    ticket_route_suggest,
    whistle_raise,
    whistle_rate,
    whistle_report,
)
from evaluation.choices import Satisfaction
from evaluation.services import callback_record
from orders import clock, services
from orders.choices import TicketState
from orders.models import Ticket

from .scenario import ANSWERS, RESULTS, SURNAMES, Scenario, at, content_for


def _life(
    rng: random.Random,
    scenario: Scenario,
    category: Category,
    region: Region,
    street: Region,
    district: Region,
    created_at: dt.datetime,
    now: dt.datetime,
    phones: list[str],
    open_by_street: dict[int, list[Ticket]],
    whistle_departments: dict[str, list[Unit]],
) -> Ticket | None:
    agent, dispatcher, callback = (
        rng.choice(scenario.agents),
        rng.choice(scenario.dispatchers),
        rng.choice(scenario.callbacks),
    )
    channel = rng.choices(
        ["phone", "app", "wechat", "web", "weibo", "leaders_board", "enterprise_line"],
        weights=[82, 6, 5, 3, 1, 1, 2],
    )[0]
    demand_type = rng.choice(category.demand_types)
    ticket = at(
        created_at,
        now,
        lambda: (
            services.ticket_create(
                by=agent,
                channel=channel,
                demand_type=demand_type,
                category=category,
                region=region,
                content=content_for(rng, category, region),
                address=f"{district.name}{street.name}{region.name if region != street else ''}",
                caller_phone=rng.choice(phones),
                caller_name=rng.choice(SURNAMES) + rng.choice(["先生", "女士"]),
                is_anonymous=rng.random() < 0.05,
                is_enterprise=channel == "enterprise_line",
            ).ticket
        ),
    )
    if ticket is None:
        return None
    t = created_at + dt.timedelta(minutes=rng.randint(2, 8))
    is_consult = demand_type == "consult"
    fate = rng.random()
    if (is_consult and fate < 0.85) or fate < 0.08:
        at(t, now, lambda: services.ticket_answer(ticket=ticket, by=agent, answer=rng.choice(ANSWERS)))
        return ticket
    if fate < 0.10:
        at(
            t,
            now,
            lambda: services.ticket_reject(
                ticket=ticket,
                by=agent,
                reason=rng.choice(["emergency", "statutory_route", "no_demand", "out_of_jurisdiction"]),
            ),
        )
        return ticket
    same_street = [p for p in open_by_street.get(street.pk, []) if p.category_id == category.pk]
    if same_street and fate < 0.16:
        parent = same_street[-1]
        at(t, now, lambda: services.ticket_merge(ticket=ticket, by=dispatcher, parent=parent))
        return ticket
    t += dt.timedelta(minutes=rng.randint(3, 40))
    if category.auto_dispatch:
        from dispatch.services import system_user

        actor = system_user()
    else:
        actor = dispatcher
    if ticket_route_suggest(ticket=ticket).lead is None:
        return ticket
    if at(t, now, lambda: ticket_route_dispatch(ticket=ticket, by=actor)) is None:
        return ticket
    open_by_street.setdefault(street.pk, []).append(ticket)
    ticket.refresh_from_db()
    lead = ticket.lead_unit_id
    handler = scenario.handler_of(lead)
    t += dt.timedelta(minutes=rng.randint(10, 360))
    if rng.random() < 0.05:  # mis-dispatched: the unit asks to return it
        if (
            at(
                t,
                now,
                lambda: services.ticket_request_return(
                    ticket=ticket,
                    by=handler,
                    reason=rng.choice(["locality", "function", "ownership_unclear"]),
                    note="经核实不属于本单位职责范围。",
                ),
            )
            is None
        ):
            return ticket
        t += dt.timedelta(hours=rng.randint(1, 8))
        if rng.random() < 0.6:
            from dispatch.services import ticket_return_approve

            if (
                at(
                    t,
                    now,
                    lambda: ticket_return_approve(
                        ticket=ticket, by=dispatcher, note="同意退单。", redispatch=True
                    ),
                )
                is None
            ):
                return ticket
            ticket.refresh_from_db()
            if ticket.lead_unit_id is None:
                return ticket
            handler = scenario.handler_of(ticket.lead_unit_id)
        else:
            if (
                at(
                    t,
                    now,
                    lambda: services.ticket_deny_return(
                        ticket=ticket, by=dispatcher, note="属地问题，请街道牵头办理。"
                    ),
                )
                is None
            ):
                return ticket
        t += dt.timedelta(minutes=rng.randint(10, 120))
    if at(t, now, lambda: services.ticket_accept(ticket=ticket, by=handler)) is None:
        return ticket
    ticket.refresh_from_db()
    if ticket.lead_unit and ticket.lead_unit.kind == UnitKind.STREET_OFFICE and rng.random() < 0.06:
        departments = rng.sample(whistle_departments[district.code], k=rng.randint(1, 2))
        t += dt.timedelta(hours=rng.randint(2, 24))
        whistle = at(
            t,
            now,
            lambda: whistle_raise(
                ticket=ticket,
                by=handler,
                grade=rng.choice(["routine", "critical"]),
                reason="问题涉及多个部门职责，街道无法单独解决，请相关部门到场。",
                departments=departments,
            ),
        )
        for summons in whistle.summons.all() if whistle else []:
            reported = t + dt.timedelta(hours=rng.uniform(0.5, 30))
            at(
                reported,
                now,
                lambda s=summons: whistle_report(
                    summons=s,
                    by=scenario.handler_of(s.unit_id),
                    note="已到场核查并提出处置意见。",
                    arrived_on_site=rng.random() < 0.8,
                ),
            )
            at(
                reported + dt.timedelta(hours=2),
                now,
                lambda s=summons: whistle_rate(
                    summons=s, by=handler, rating=rng.choice([3, 4, 4, 5, 5]), comment="响应及时。"
                ),
            )
        t = t + dt.timedelta(hours=30)
    t += dt.timedelta(hours=rng.randint(6, 24 * 6))
    if at(t, now, lambda: ticket_reply(ticket=ticket, by=handler, result=rng.choice(RESULTS))) is None:
        return ticket
    t += dt.timedelta(hours=rng.randint(4, 30))
    if rng.random() < 0.08:
        if (
            at(
                t,
                now,
                lambda: callback_record(
                    ticket=ticket,
                    by=callback,
                    reached=True,
                    contacted=True,
                    resolved=False,
                    satisfaction=Satisfaction.UNSATISFIED,
                    action="reopen",
                    reopen_reason="回访诉求人表示问题仍未解决。",
                ),
            )
            is None
        ):
            return ticket
        t += dt.timedelta(hours=rng.randint(12, 72))
        if (
            at(
                t,
                now,
                lambda: services.ticket_reply(ticket=ticket, by=handler, result="重新处置后问题已解决。"),
            )
            is None
        ):
            return ticket
        t += dt.timedelta(hours=rng.randint(4, 24))
    _callback(rng, ticket, callback, t, now)
    return ticket


def _callback(rng: random.Random, ticket: Ticket, by: User, t: dt.datetime, now: dt.datetime) -> None:
    """回访 as it goes: some callers never answer; how well a unit works shapes what callers say."""
    if rng.random() < 0.04:
        for attempt in range(settings.CALLBACK_MAX_ATTEMPTS):
            at(
                t + dt.timedelta(hours=3 * attempt),
                now,
                lambda: callback_record(ticket=ticket, by=by, reached=False, notes="无人接听。"),
            )
        return
    # A stable per-unit quality, so that the ranking has a shape.
    quality = 0.70 + ((ticket.lead_unit_id or 0) * 7919 % 29) / 100
    resolved = rng.random() < quality
    draw = rng.random()
    if resolved:
        satisfaction = Satisfaction.SATISFIED if draw < 0.82 else Satisfaction.BASIC
        if draw > 0.97:
            satisfaction = Satisfaction.UNSATISFIED
    else:
        satisfaction = Satisfaction.UNSATISFIED if draw < 0.6 else Satisfaction.BASIC
    at(
        t,
        now,
        lambda: callback_record(
            ticket=ticket,
            by=by,
            reached=True,
            contacted=rng.random() < 0.97,
            resolved=resolved,
            satisfaction=satisfaction,
            notes="回访完成。",
        ),
    )


def _state_story(
    rng: random.Random,
    scenario: Scenario,
    now: dt.datetime,
    state: TicketState,
    district: Region,
    street: Region,
    category: Category,
    phone: str,
) -> None:
    """A short story, played in the last three hours, that leaves a ticket in ``state``."""
    start = now - dt.timedelta(hours=3)
    agent, dispatcher = scenario.agents[0], scenario.dispatchers[0]
    with clock.frozen_at(start):
        ticket = services.ticket_create(
            by=agent,
            channel="phone",
            demand_type=category.demand_types[0],
            category=category,
            region=street,
            content=content_for(rng, category, street),
            caller_phone=phone,
            caller_name="林女士",
        ).ticket
    if state == TicketState.RECEIVED:
        return
    if state == TicketState.MERGED:
        parent = (
            Ticket.objects.filter(
                state__in=[TicketState.ACCEPTED, TicketState.DISPATCHED], created_at__lte=start
            )
            .order_by("-created_at")
            .first()
        )
        if parent is not None:
            at(
                start + dt.timedelta(minutes=5),
                now,
                lambda: services.ticket_merge(ticket=ticket, by=dispatcher, parent=parent),
            )
        return
    if state == TicketState.ANSWERED:
        at(start, now, lambda: services.ticket_answer(ticket=ticket, by=agent, answer=ANSWERS[0]))
        return
    if state == TicketState.REJECTED:
        at(start, now, lambda: services.ticket_reject(ticket=ticket, by=agent, reason="no_demand"))
        return
    at(start + dt.timedelta(minutes=10), now, lambda: ticket_route_dispatch(ticket=ticket, by=dispatcher))
    ticket.refresh_from_db()
    if state == TicketState.DISPATCHED or ticket.lead_unit_id is None:
        return
    handler = scenario.handler_of(ticket.lead_unit_id)
    if state == TicketState.RETURN_REQUESTED:
        at(
            start + dt.timedelta(hours=1),
            now,
            lambda: services.ticket_request_return(
                ticket=ticket, by=handler, reason="locality", note="地址位于相邻街道辖区。"
            ),
        )
        return
    at(start + dt.timedelta(hours=1), now, lambda: services.ticket_accept(ticket=ticket, by=handler))
    if state == TicketState.ESCALATED:
        departments = list(
            Unit.objects.filter(
                kind=UnitKind.DISTRICT_DEPARTMENT,
                region=district,
                function__in=["housing", "urban_enforcement"],
            )
        )
        at(
            start + dt.timedelta(hours=2),
            now,
            lambda: whistle_raise(
                ticket=ticket,
                by=handler,
                grade="routine",
                reason="涉及住建、城管执法职责，需部门到场。",
                departments=departments,
            ),
        )
        return
    if state == TicketState.ACCEPTED:
        return
    at(
        start + dt.timedelta(hours=2),
        now,
        lambda: services.ticket_reply(ticket=ticket, by=handler, result=RESULTS[0]),
    )
    if state == TicketState.CLOSED:
        at(
            start + dt.timedelta(hours=2, minutes=30),
            now,
            lambda: callback_record(
                ticket=ticket,
                by=scenario.callbacks[0],
                reached=True,
                contacted=True,
                resolved=True,
                satisfaction=Satisfaction.SATISFIED,
            ),
        )
