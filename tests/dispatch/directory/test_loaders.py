"""The real reference data: regions, units, categories and catalog as loaded from their sources."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q

from dispatch.directory.choices import (
    ADMINISTRATIVE_STREET_KINDS,
    AliasKind,
    AssessmentGroup,
    RegionKind,
    RegionLevel,
    UnitKind,
)
from dispatch.directory.loaders import categories_load, community_name, regions_load, units_load
from dispatch.directory.models import CatalogEntry, Category, Region, RegionAlias, Unit
from dispatch.directory.reads import category_leaves, region_get_by_code

pytestmark = pytest.mark.django_db

# Codes and names from the 民政部 list as of 2025-12-31, checked by hand against the source.
KNOWN = [
    ("110101", "东城区", RegionLevel.DISTRICT),
    ("110108", "海淀区", RegionLevel.DISTRICT),
    ("110119", "延庆区", RegionLevel.DISTRICT),
    ("110101001", "东华门街道", RegionLevel.STREET),
    ("110105026", "望京街道", RegionLevel.STREET),
    ("110105004", "三里屯街道", RegionLevel.STREET),
    ("110105021", "南磨房乡", RegionLevel.STREET),
    ("110105033", "常营回族乡", RegionLevel.STREET),
    ("110108011", "中关村街道", RegionLevel.STREET),
    ("110108023", "海淀镇", RegionLevel.STREET),
    ("110112120", "永顺镇", RegionLevel.STREET),
    ("110105400", "首都机场街道", RegionLevel.STREET),
]


def test_sixteen_districts_and_343_streets_with_official_codes() -> None:
    assert Region.objects.filter(level=RegionLevel.DISTRICT).count() == 16
    administrative = Region.objects.filter(level=RegionLevel.STREET, kind__in=ADMINISTRATIVE_STREET_KINDS)
    assert administrative.count() == 343
    per_district = dict(
        Region.objects.filter(level=RegionLevel.DISTRICT)
        .annotate(n=Count("children", filter=Q(children__kind__in=ADMINISTRATIVE_STREET_KINDS)))
        .values_list("name", "n")
    )
    assert per_district["朝阳区"] == 43
    assert per_district["海淀区"] == 29
    assert per_district["大兴区"] == 22
    assert sum(per_district.values()) == 343


@pytest.mark.parametrize(("code", "name", "level"), KNOWN)
def test_known_regions_by_code(code: str, name: str, level: str) -> None:
    region = Region.objects.get(code=code)
    assert (region.name, region.level) == (name, level)
    assert region.path.split(".")[0] == "110000"
    assert region.path.endswith(code)


def test_street_kinds_follow_their_names() -> None:
    assert Region.objects.get(code="110105026").kind == RegionKind.SUBDISTRICT
    assert Region.objects.get(code="110105021").kind == RegionKind.TOWNSHIP
    assert Region.objects.get(code="110105033").kind == RegionKind.ETHNIC_TOWNSHIP
    assert Region.objects.get(code="110112120").kind == RegionKind.TOWN


def test_aliased_township_is_found_by_the_name_citizens_use() -> None:
    alias = RegionAlias.objects.get(name="南磨房地区")
    assert alias.region.code == "110105021"
    assert alias.kind == AliasKind.STATISTICAL
    # 海淀镇 is run as 万柳地区: a different name altogether, not just a suffix.
    assert RegionAlias.objects.get(name="万柳地区").region.name == "海淀镇"


def test_recoded_street_keeps_its_past_code() -> None:
    # 首都机场街道 is 110105400 for 民政部 and was 110105020 in the 2023 statistical list.
    assert region_get_by_code("110105020") == Region.objects.get(code="110105400")
    assert not Region.objects.filter(code="110105020").exists()


def test_former_districts_resolve_to_todays() -> None:
    assert region_get_by_code("110103").name == "东城区"  # 崇文区, merged 2010
    assert region_get_by_code("110228").name == "密云区"  # 密云县, a district since 2015
    assert RegionAlias.objects.get(name="宣武区").region.name == "西城区"


def test_functional_zones_are_street_level_but_not_counted_as_administrative() -> None:
    zone = Region.objects.get(code="110115403")
    assert zone.name == "北京经济技术开发区"
    assert (zone.level, zone.kind) == (RegionLevel.STREET, RegionKind.FUNCTIONAL_ZONE)
    assert zone.parent.name == "大兴区"
    assert Region.objects.filter(kind=RegionKind.FUNCTIONAL_ZONE).count() == 6


def test_communities_hang_under_their_streets() -> None:
    communities = Region.objects.filter(level=RegionLevel.COMMUNITY)
    assert communities.count() == 7535
    assert not communities.filter(parent__isnull=True).exists()
    # A community of the recoded 首都机场街道 hangs under today's code.
    airport = communities.get(code="110105020400")
    assert airport.parent.code == "110105400"
    assert airport.path == "110000.110105.110105400.110105020400"
    assert communities.get(code="110101001001").name == "多福巷社区"


@pytest.mark.parametrize(
    ("official", "expected"),
    [
        ("多福巷社区居委会", ("多福巷社区", RegionKind.RESIDENTS_COMMITTEE)),
        ("楼梓庄村委会", ("楼梓庄村", RegionKind.VILLAGE_COMMITTEE)),
        ("牌坊村村民委员会", ("牌坊村", RegionKind.VILLAGE_COMMITTEE)),
        ("翠林一里社区", ("翠林一里社区", RegionKind.RESIDENTS_COMMITTEE)),
    ],
)
def test_community_display_names(official: str, expected: tuple[str, str]) -> None:
    assert community_name(official) == expected


def test_districts_have_boundaries_centroids_and_population() -> None:
    chaoyang = Region.objects.get(code="110105")
    assert chaoyang.boundary["type"] in {"Polygon", "MultiPolygon"}
    assert 116.3 < chaoyang.centroid_lng < 116.8
    assert 39.8 < chaoyang.centroid_lat < 40.1
    assert chaoyang.population == 3452460
    assert Region.objects.get(code="110000").population == 21893095


def test_every_street_has_an_office_and_every_district_a_government() -> None:
    streets = Region.objects.filter(level=RegionLevel.STREET, kind__in=ADMINISTRATIVE_STREET_KINDS)
    offices = Unit.objects.filter(kind=UnitKind.STREET_OFFICE)
    assert set(offices.values_list("region_id", flat=True)) == set(streets.values_list("pk", flat=True))
    governments = Unit.objects.filter(kind=UnitKind.DISTRICT_GOVERNMENT)
    assert governments.count() == 16
    office = Unit.objects.get(code="S110105021")
    assert office.name == "朝阳区南磨房地区办事处"
    assert office.parent == Unit.objects.get(code="G110105")
    assert Unit.objects.get(code="S110112120").name == "通州区永顺镇人民政府"


def test_departments_enterprises_and_the_hotline_centre() -> None:
    assert Unit.objects.get(code="M-traffic_police").name == "北京市公安局公安交通管理局"
    assert Unit.objects.get(code="E-heating").name == "北京市热力集团有限责任公司"
    assert Unit.objects.filter(kind=UnitKind.DISTRICT_DEPARTMENT, region__code="110108").count() >= 20
    assert Unit.objects.get(kind=UnitKind.HOTLINE_CENTRE).assessment_group == AssessmentGroup.PLATFORM


def test_every_unit_is_in_an_assessment_group() -> None:
    assert not Unit.objects.exclude(assessment_group__in=AssessmentGroup.values).exists()
    groups = dict(
        Unit.objects.values_list("kind").annotate(n=Count("pk")).values_list("kind", "assessment_group")
    )
    assert groups[UnitKind.DISTRICT_GOVERNMENT] == AssessmentGroup.DISTRICT
    assert groups[UnitKind.MUNICIPAL_DEPARTMENT] == AssessmentGroup.DEPARTMENT
    assert groups[UnitKind.ENTERPRISE] == AssessmentGroup.ENTERPRISE


def test_streets_and_townships_are_ranked_apart() -> None:
    """街道 in one group; 乡、镇 and the 地区 offices (乡 in the 民政部 list) in another."""
    assert Unit.objects.get(code="S110105026").assessment_group == AssessmentGroup.STREET  # 望京街道
    assert Unit.objects.get(code="S110105021").assessment_group == AssessmentGroup.TOWNSHIP  # 南磨房地区
    assert Unit.objects.get(code="S110112120").assessment_group == AssessmentGroup.TOWNSHIP  # 永顺镇
    offices = Unit.objects.filter(kind=UnitKind.STREET_OFFICE)
    assert set(offices.values_list("assessment_group", flat=True)) == {
        AssessmentGroup.STREET,
        AssessmentGroup.TOWNSHIP,
    }
    assert (
        not offices.filter(assessment_group=AssessmentGroup.STREET)
        .exclude(region__kind="subdistrict")
        .exists()
    )


def test_category_tree_has_three_levels_and_enough_leaves() -> None:
    leaves = category_leaves()
    assert leaves.count() >= 150
    assert set(Category.objects.values_list("level", flat=True)) == {1, 2, 3}
    for leaf in leaves:
        assert leaf.default_urgency, leaf
        assert leaf.demand_types, leaf
    assert {"基础民生", "基本民生", "发展民生", "品质民生", "营商环境", "政策咨询"} <= set(
        Category.objects.filter(level=1).values_list("name", flat=True)
    )


def test_every_leaf_reaches_a_citywide_catalog_entry() -> None:
    covered_paths = set(
        CatalogEntry.objects.filter(is_active=True, region__isnull=True).values_list(
            "category__path", flat=True
        )
    )
    uncovered = [
        leaf.code
        for leaf in category_leaves()
        if not any(leaf.path == p or leaf.path.startswith(p + ".") for p in covered_paths)
    ]
    assert uncovered == []


def test_loaders_are_idempotent() -> None:
    before = {
        "regions": Region.objects.count(),
        "aliases": RegionAlias.objects.count(),
        "units": Unit.objects.count(),
        "categories": Category.objects.count(),
        "entries": CatalogEntry.objects.count(),
    }
    region_stats = regions_load()
    unit_stats = units_load()
    category_stats = categories_load()
    assert sum(region_stats.created.values()) == sum(region_stats.updated.values()) == 0
    assert sum(unit_stats.created.values()) == sum(unit_stats.updated.values()) == 0
    assert sum(category_stats.created.values()) == sum(category_stats.updated.values()) == 0
    assert before == {
        "regions": Region.objects.count(),
        "aliases": RegionAlias.objects.count(),
        "units": Unit.objects.count(),
        "categories": Category.objects.count(),
        "entries": CatalogEntry.objects.count(),
    }


def test_loader_repairs_an_edited_seed_row() -> None:
    Unit.objects.filter(code="M-water").update(name="改错的名字")
    Category.objects.filter(code="010101").update(name="改错")
    assert units_load().updated["municipal department"] == 1
    assert categories_load().updated["level-3 category"] == 1
    assert Unit.objects.get(code="M-water").name == "北京市水务局"
    assert Category.objects.get(code="010101").name == "停水"


def test_an_enterprise_entry_seeds_its_service_area(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serves` in units.yaml: the loader keeps the enterprise's areas exactly as listed."""
    from dispatch.directory.loaders import units as loader
    from dispatch.directory.models import ServiceArea

    real = loader.read_yaml

    def with_local_supplier(serves: list[str]):  # type: ignore[no-untyped-def]
        def read(name: str):  # type: ignore[no-untyped-def]
            spec = real(name)
            spec["enterprises"].append(
                {
                    "function": "heating",
                    "name": "示例供热公司",
                    "short": "示例供热",
                    "code": "E-heating-x",
                    "serves": serves,
                }
            )
            return spec

        monkeypatch.setattr(loader, "read_yaml", read)

    with_local_supplier(["110105026", "110105004"])
    assert units_load().created["service area"] == 1
    served = ServiceArea.objects.filter(unit__code="E-heating-x")
    assert sorted(served.values_list("region__code", flat=True)) == ["110105004", "110105026"]
    with_local_supplier(["110105004"])
    assert units_load().updated["service area"] == 1
    assert list(served.values_list("region__code", flat=True)) == ["110105004"]
    with_local_supplier(["999999999"])
    with pytest.raises(ValueError, match="999999999"):
        units_load()
    assert list(served.values_list("region__code", flat=True)) == ["110105004"]
