"""The catalog as Beijing practises it: every change the seed catalog makes to plain routing.

- 街乡综合执法 (京政发〔2020〕9号): the street/township leads, the district bureau assists;
- 快递: the postal regulator, not China Post;
- emergency lines' matters are transferred, never dispatched;
- new units: district 司法局 and 农业农村局, 金融监管北京局, 市公园管理中心, 京港地铁;
- names follow the conventions (朝阳分局, 朝阳交通支队);
- enterprises by service area.
"""

from __future__ import annotations

import pytest

from dispatch.directory.cache import directory_cache_clear
from dispatch.directory.choices import UnitKind
from dispatch.directory.models import Category, Region, ServiceArea, Unit
from dispatch.selectors import route_for

pytestmark = pytest.mark.django_db

WANGJING = "110105026034"  # 花家地西里社区, 望京街道, 朝阳区
ZHONGGUANCUN = "110108011"  # 中关村街道, 海淀区


def decide(category: str, region: str = WANGJING):  # type: ignore[no-untyped-def]
    return route_for(category=Category.objects.get(code=category), region=Region.objects.get(code=region))


@pytest.mark.parametrize(
    ("category", "assist"),
    [
        ("040101", "D110105-urban_enforcement"),  # 占道经营
        ("020203", "D110105-urban_enforcement"),  # 非法小广告
        ("030305", "D110105-urban_enforcement"),  # 餐饮油烟
        ("030306", "D110105-urban_enforcement"),  # 露天烧烤及焚烧
        ("030303", "D110105-urban_enforcement"),  # 夜间施工噪声
        ("040103", "D110105-urban_management"),  # 户外广告及牌匾
        ("030307", "D110105-urban_enforcement"),  # 施工扬尘 (construction sites)
        ("030507", "D110105-health"),  # 控烟 (one of the 11 卫生健康 powers)
        ("040206", "D110105-landscaping"),  # 毁绿占绿 (greenery)
    ],
)
def test_street_enforcement_matters_lead_to_the_street(category: str, assist: str) -> None:
    decision = decide(category)
    assert decision.lead is not None
    assert decision.lead.code == "S110105026"
    assert assist in [u.code for u in decision.assists]
    assert "望京街道" in decision.explanation


def test_most_leaves_at_a_wangjing_address_go_to_the_street() -> None:
    """The issue counted 30 of 213 before the reform's matters moved to the street."""
    leaves = Category.objects.filter(level=3, is_active=True, transfer_to="")
    to_street = [c.code for c in leaves if (d := decide(c.code)).lead and d.lead.code == "S110105026"]
    assert {"040101", "020203", "030305", "030306", "030303", "040103", "060802"} <= set(to_street)
    assert len(to_street) > 30


@pytest.mark.parametrize("category", ["040607", "040608"])
def test_couriers_go_to_the_postal_regulator(category: str) -> None:
    decision = decide(category)
    assert decision.lead is not None
    assert decision.lead.name == "北京市邮政管理局"
    assert decision.lead.code != "E-postal"


def test_china_post_keeps_the_post() -> None:
    decision = decide("040606")
    assert decision.lead is not None
    assert decision.lead.code == "E-postal"


@pytest.mark.parametrize(
    ("category", "line"),
    [
        ("010402", "119"),
        ("070401", "110"),
        ("070501", "119"),
        ("070502", "122"),
        ("070503", "120"),
        ("070504", "110"),
    ],
)
def test_emergency_line_matters_are_transfers(category: str, line: str) -> None:
    node = Category.objects.get(code=category)
    assert (node.transfer_to, node.auto_dispatch) == (line, False)


def test_only_emergency_line_matters_are_transfers() -> None:
    transfers = set(Category.objects.exclude(transfer_to="").values_list("code", flat=True))
    assert transfers == {"010402", "070401", "070501", "070502", "070503", "070504"}


@pytest.mark.parametrize(
    ("category", "lead"),
    [
        ("050501", "M-financial_regulator"),  # 银行服务 → 金融监管北京局
        ("040208", "M-parks"),  # 市属公园 → 市公园管理中心
        ("060801", "D110105-justice"),  # 法律援助 → 区司法局
        ("060803", "M-justice"),
        ("080102", "D110105-agriculture"),  # 农村土地承包 → 区农业农村局
        ("060802", "S110105026"),  # 人民调解 → the street, 区司法局 assisting
    ],
)
def test_new_matters_reach_the_new_units(category: str, lead: str) -> None:
    decision = decide(category)
    assert decision.lead is not None
    assert decision.lead.code == lead


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("D110105-public_security", "北京市公安局朝阳分局"),
        ("D110105-traffic_police", "北京市公安局公安交通管理局朝阳交通支队"),
        ("D110105-planning", "北京市规划和自然资源委员会朝阳分局"),
        ("D110108-public_security", "北京市公安局海淀分局"),
        ("D110105-justice", "朝阳区司法局"),
        ("D110105-agriculture", "朝阳区农业农村局"),
        ("M-financial_regulator", "国家金融监督管理总局北京监管局"),
        ("M-parks", "北京市公园管理中心"),
        ("M-postal_regulator", "北京市邮政管理局"),
        ("E-subway-mtr", "北京京港地铁有限公司"),
    ],
)
def test_units_are_named_by_the_real_conventions(code: str, name: str) -> None:
    assert Unit.objects.get(code=code).name == name


def test_the_citywide_subway_company_stays_the_default() -> None:
    """京港地铁 runs lines, not areas: routing keeps the city-wide 地铁运营公司; dispatchers choose."""
    decision = decide("040503")
    assert decision.lead is not None
    assert decision.lead.code == "E-subway"


def test_an_enterprise_serving_the_street_is_picked_and_explained() -> None:
    heating_leaf = "010501"
    assert decide(heating_leaf).lead.code == "E-heating"  # type: ignore[union-attr]
    local = Unit.objects.create(
        code="E-heating-cy",
        name="朝阳区某供热公司",
        short_name="朝阳供热",
        kind=UnitKind.ENTERPRISE,
        function="heating",
        region=Region.objects.get(code="110000"),
    )
    ServiceArea.objects.create(unit=local, region=Region.objects.get(code="110105026"))
    directory_cache_clear()
    here = decide(heating_leaf)
    assert here.lead is not None
    assert here.lead.code == "E-heating-cy"
    assert "供应范围含望京街道" in here.explanation
    elsewhere = decide(heating_leaf, ZHONGGUANCUN)
    assert elsewhere.lead is not None
    assert elsewhere.lead.code == "E-heating"
    assert "（全市）" in elsewhere.explanation


def test_the_finest_service_area_wins() -> None:
    city = Region.objects.get(code="110000")
    district_wide = Unit.objects.create(
        code="E-water-cy", name="朝阳区供水", kind=UnitKind.ENTERPRISE, function="water_supply", region=city
    )
    street_only = Unit.objects.create(
        code="E-water-wj", name="望京供水站", kind=UnitKind.ENTERPRISE, function="water_supply", region=city
    )
    ServiceArea.objects.create(unit=district_wide, region=Region.objects.get(code="110105"))
    ServiceArea.objects.create(unit=street_only, region=Region.objects.get(code="110105026"))
    directory_cache_clear()
    water = Category.objects.filter(parent__code="0101").first()  # 供水 → enterprise:water_supply
    assert water is not None
    assert decide(water.code).lead.code == "E-water-wj"  # type: ignore[union-attr]
    assert decide(water.code, "110105021").lead.code == "E-water-cy"  # type: ignore[union-attr]
    assert decide(water.code, ZHONGGUANCUN).lead.code == "E-water_supply"  # type: ignore[union-attr]
