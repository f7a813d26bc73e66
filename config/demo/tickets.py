"""Demo work for the embedded set-up: weeks of tickets across the city, run through the real services.

Every ticket is created, dispatched, signed, returned, whistled, replied and closed by the same
services people use, with the clock set to when each step happens (``orders.clock``), so events,
assignments and deadlines are what real use would leave. Steps that would fall after "now" are not
taken, which leaves tickets in every state. Deterministic for a given seed.

Volumes follow where people live (district populations of the 2020 census), demand types follow
the reported mix (about half answered at intake), and heating complaints rise in the heating season
(15 November – 15 March).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth.models import User
from django.utils import timezone

from dispatch.directory.choices import MembershipRole, RegionKind, RegionLevel, UnitKind
from dispatch.directory.models import Category, Region, Unit
from dispatch.directory.reads import category_leaves
from orders.choices import TicketState
from orders.models import Ticket

from .lives import _life, _state_story
from .scenario import Scenario, in_heating_season


def demo_tickets_load(
    *, days: int = 30, per_day: int = 30, seed: int = 12345, progress: Callable[[str], None] = lambda _: None
) -> int:
    """Create ``days`` of tickets ending now. Returns how many were created."""
    rng = random.Random(seed)
    now = timezone.now()
    scenario = Scenario(
        agents=list(User.objects.filter(memberships__role=MembershipRole.AGENT, is_active=True)),
        dispatchers=list(
            User.objects.filter(memberships__role=MembershipRole.DISPATCHER).exclude(
                username="hotline-system"
            )
        ),
        callbacks=list(User.objects.filter(memberships__role=MembershipRole.CALLBACK)),
    )
    if not (scenario.agents and scenario.dispatchers and scenario.callbacks):
        raise RuntimeError("demo users are missing: run seed_demo first")
    leaves = list(category_leaves().select_related("parent"))
    heating = [c for c in leaves if c.parent.code == "0105"]
    consult = [c for c in leaves if c.demand_types == ["consult"] or c.path.startswith("06")]
    districts = list(Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code"))
    weights = [d.population or 300000 for d in districts]
    streets_of = {
        d.pk: list(
            Region.objects.filter(parent=d, level=RegionLevel.STREET)
            .exclude(kind=RegionKind.FUNCTIONAL_ZONE)
            .order_by("code")
        )
        for d in districts
    }
    communities_of: dict[int, list[Region]] = {}
    for community in Region.objects.filter(level=RegionLevel.COMMUNITY).only(
        "pk", "code", "name", "parent_id", "path", "level", "kind"
    ):
        communities_of.setdefault(community.parent_id, []).append(community)
    whistle_departments = {
        d.code: list(
            Unit.objects.filter(
                kind=UnitKind.DISTRICT_DEPARTMENT,
                region=d,
                function__in=["housing", "urban_enforcement", "market", "ecology"],
            )
        )
        for d in districts
    }
    phones = [
        f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        for _ in range(per_day * days // 2)
    ]
    created = 0
    open_by_street: dict[int, list[Ticket]] = {}
    for day_index in range(days, 0, -1):
        day = (now - dt.timedelta(days=day_index - 1)).date()
        season = in_heating_season(day)
        for _ in range(int(per_day * rng.uniform(0.8, 1.2))):
            hour = rng.choices(
                range(24),
                weights=[1, 1, 1, 1, 1, 2, 4, 7, 10, 11, 10, 9, 8, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2],
            )[0]
            created_at = timezone.make_aware(
                dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59), rng.randint(0, 59)))
            )
            if created_at > now:
                continue
            district = rng.choices(districts, weights=weights)[0]
            street = rng.choice(streets_of[district.pk])
            region = rng.choice(communities_of.get(street.pk) or [street]) if rng.random() < 0.7 else street
            roll = rng.random()
            if season and roll < 0.25:
                category = rng.choice(heating)
            elif roll < 0.5:
                category = rng.choice(consult)
            else:
                category = rng.choice(leaves)
            ticket = _life(
                rng,
                scenario,
                category,
                region,
                street,
                district,
                created_at,
                now,
                phones,
                open_by_street,
                whistle_departments,
            )
            if ticket is not None:
                created += 1
        progress(f"  {day}: {created} tickets so far")
    created += _every_state_present(rng, scenario, now, leaves, streets_of, districts)
    return created


def _every_state_present(
    rng: random.Random,
    scenario: Scenario,
    now: dt.datetime,
    leaves: list[Category],
    streets_of: dict[int, list[Region]],
    districts: list[Region],
) -> int:
    """Make sure each state has a ticket, with short stories played in the last hours."""
    present = set(Ticket.objects.values_list("state", flat=True).distinct())
    street_leaves = [c for c in leaves if c.parent and c.parent.code in ("0106", "0203", "0401")]
    added = 0
    for state in TicketState:
        if state in present:
            continue
        district = rng.choice(districts[:6])
        _state_story(
            rng,
            scenario,
            now,
            TicketState(state),
            district,
            rng.choice(streets_of[district.pk]),
            rng.choice(street_leaves),
            f"1390000{added:04d}",
        )
        added += 1
    return added
