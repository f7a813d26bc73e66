"""The handling units: hotline centre, municipal departments, enterprises, district governments and
departments, street offices (named as the city names them)."""

from __future__ import annotations

from django.db import transaction

from ..cache import directory_cache_clear
from ..choices import (
    AliasKind,
    AssessmentGroup,
    RegionKind,
    RegionLevel,
    UnitFunction,
    UnitKind,
)
from ..jurisdiction import jurisdiction
from ..models import (
    Region,
    RegionAlias,
    ServiceArea,
    Unit,
)
from .common import (
    LoadStats,
    Progress,
    read_yaml,
    silent,
    upsert,
)


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


def street_group(street: Region) -> str:
    """街道 are ranked among streets, 乡、镇 (and 地区 offices, which are 乡) among townships."""
    return AssessmentGroup.STREET if street.kind == RegionKind.SUBDISTRICT else AssessmentGroup.TOWNSHIP


@transaction.atomic
def units_load(*, progress: Progress = silent) -> LoadStats:
    """Create or update every handling unit. Regions must be loaded first."""
    directory_cache_clear()
    transaction.on_commit(directory_cache_clear)
    stats = LoadStats()
    spec = read_yaml("units.yaml")
    city = Region.objects.get(code=jurisdiction().code)

    hotline = spec["hotline_centre"]
    _, created, changed = upsert(
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

    citywide = (
        ("municipal_departments", "M", UnitKind.MUNICIPAL_DEPARTMENT, AssessmentGroup.DEPARTMENT),
        ("enterprises", "E", UnitKind.ENTERPRISE, AssessmentGroup.ENTERPRISE),
    )
    serving: dict[Unit, list[str]] = {}
    for key, prefix, kind, group in citywide:
        counted = key.rstrip("s").replace("_", " ")  # "municipal department", "enterprise"
        for item in spec[key]:
            unit, created, changed = upsert(
                Unit,
                {"code": item.get("code") or f"{prefix}-{item['function']}"},
                {
                    "name": item["name"],
                    "short_name": item["short"],
                    "kind": kind,
                    "function": UnitFunction(item["function"]),
                    "region": city,
                    "parent": None,
                    "assessment_group": group,
                    "is_active": True,
                },
            )
            stats.record(counted, created, changed)
            if kind == UnitKind.ENTERPRISE:
                serving[unit] = [str(code) for code in item.get("serves", [])]
    for unit, codes in serving.items():
        created, changed = _service_area_set(unit, codes)
        if codes or changed:  # an enterprise without areas is city-wide: nothing to report
            stats.record("service area", created, changed)

    governments: dict[str, Unit] = {}
    for district in Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code"):
        government, created, changed = upsert(
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
            _, created, changed = upsert(
                Unit,
                {"code": f"D{district.code}-{item['function']}"},
                {
                    "name": item["name"].format(d=district.name, ds=district.name.removesuffix("区")),
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
        _, created, changed = upsert(
            Unit,
            {"code": f"S{street.code}"},
            {
                "name": name,
                "short_name": short,
                "kind": UnitKind.STREET_OFFICE,
                "function": "",
                "region": street,
                "parent": governments[street.parent.code],
                "assessment_group": street_group(street),
                "is_active": True,
            },
        )
        stats.record("street office", created, changed)

    for item in spec["zone_administrations"]:
        zone = Region.objects.get(code=item["region_code"])
        _, created, changed = upsert(
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


def _service_area_set(unit: Unit, codes: list[str]) -> tuple[bool, bool]:
    """Make the enterprise's seeded service area exactly ``codes`` (created, changed)."""
    wanted = set(Region.objects.filter(code__in=codes).values_list("pk", flat=True))
    if len(wanted) != len(set(codes)):
        missing = set(codes) - set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
        raise ValueError(f"{unit.code}: unknown service-area region codes {sorted(missing)}")
    current = set(ServiceArea.objects.filter(unit=unit).values_list("region_id", flat=True))
    if current == wanted:
        return False, False
    ServiceArea.objects.filter(unit=unit).exclude(region_id__in=wanted).delete()
    ServiceArea.objects.bulk_create(ServiceArea(unit=unit, region_id=pk) for pk in wanted - current)
    return not current, bool(current)
