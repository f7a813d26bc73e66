"""dispatch.routing without a database: a small directory and catalog built by hand."""

from __future__ import annotations

import pytest

from dispatch import routing as r

U = r.UnitInfo
WANGJING = U(1, "S110105026", "望京街道办事处", "street_office")
SANLITUN = U(2, "S110105004", "三里屯街道办事处", "street_office")
CHAOYANG = U(3, "G110105", "朝阳区人民政府", "district_government")
HAIDIAN = U(4, "G110108", "海淀区人民政府", "district_government")
CY_CGW = U(5, "D110105-urban_management", "朝阳区城市管理委员会", "district_department")
CY_TRAFFIC = U(6, "D110105-traffic_police", "朝阳交通支队", "district_department")
M_TRANSPORT = U(7, "M-transport", "北京市交通委员会", "municipal_department")
M_WATER = U(8, "M-water", "北京市水务局", "municipal_department")
E_HEATING = U(9, "E-heating", "北京市热力集团", "enterprise")
HD_CGW = U(10, "D110108-urban_management", "海淀区城市管理委员会", "district_department")
ZONE = U(11, "Z110115403", "经开区管委会", "zone_admin")
DAXING = U(12, "G110115", "大兴区人民政府", "district_government")

DIRECTORY = r.Directory(
    street_office_by_region={"110105026": WANGJING, "110105004": SANLITUN, "110115403": ZONE},
    district_government_by_region={"110105": CHAOYANG, "110108": HAIDIAN, "110115": DAXING},
    district_department={
        ("110105", "urban_management"): CY_CGW,
        ("110105", "traffic_police"): CY_TRAFFIC,
        ("110108", "urban_management"): HD_CGW,
    },
    municipal_department={"transport": M_TRANSPORT, "water": M_WATER},
    enterprise={"heating": E_HEATING},
    by_code={
        u.code: u
        for u in [
            WANGJING,
            SANLITUN,
            CHAOYANG,
            HAIDIAN,
            CY_CGW,
            CY_TRAFFIC,
            M_TRANSPORT,
            M_WATER,
            E_HEATING,
            HD_CGW,
            ZONE,
            DAXING,
        ]
    },
)

WANGJING_COMMUNITY = r.Place(
    ("110000", "110105", "110105026", "110105026034"), ("北京市", "朝阳区", "望京街道", "花家地西里社区")
)
CHAOYANG_ONLY = r.Place(("110000", "110105"), ("北京市", "朝阳区"))
HAIDIAN_STREET = r.Place(("110000", "110108", "110108011"), ("北京市", "海淀区", "中关村街道"))
ZONE_PLACE = r.Place(("110000", "110115", "110115403"), ("北京市", "大兴区", "北京经济技术开发区"))
CITY = r.Place(("110000",), ("北京市",))


def entry(
    i: int,
    category: str,
    lead: r.Rule,
    *,
    region: str | None = None,
    region_depth: int = -1,
    assists: tuple[r.Rule, ...] = (),
) -> r.Entry:
    return r.Entry(
        id=i,
        category_code=category,
        category_depth=len(category) // 2,
        category_name=category,
        region_code=region,
        region_depth=region_depth,
        region_name=region or "",
        lead=lead,
        assists=assists,
    )


STREET = r.Rule(r.STREET)
GOV = r.Rule(r.DISTRICT_GOVERNMENT)


def dept(function: str) -> r.Rule:
    return r.Rule(r.DISTRICT_DEPARTMENT, function, function)


CATALOG = [
    entry(1, "01", STREET),  # 基础民生 → 属地
    entry(2, "0105", r.Rule(r.ENTERPRISE, "heating", "供热"), assists=(STREET,)),  # 供暖 → 热力
    entry(3, "010506", dept("urban_management"), assists=(STREET,)),  # 煤改电 → 区城管委
    entry(4, "0204", dept("traffic_police")),  # 交通 → 区交通支队
    entry(5, "020404", r.Rule(r.MUNICIPAL_DEPARTMENT, "transport", "交通")),  # 出租车 → 市交通委
    entry(
        6, "020401", r.Rule(r.UNIT, unit_code="Z110115403"), region="110115403", region_depth=2
    ),  # 经开区违停
    entry(7, "0401", dept("landscaping")),  # a department no district has in this directory
]


def decide(category_path: list[str], place: r.Place, exclude: tuple[int, ...] = ()) -> r.Decision:
    return r.route(
        category_path=category_path,
        category_label="/".join(category_path),
        place=place,
        entries=CATALOG,
        directory=DIRECTORY,
        exclude=exclude,
    )


def test_deepest_category_wins() -> None:
    heating = decide(["01", "0105", "010501"], WANGJING_COMMUNITY)
    assert (heating.lead, heating.entry_id) == (E_HEATING, 2)
    assert heating.assists == (WANGJING,)
    coal = decide(["01", "0105", "010506"], WANGJING_COMMUNITY)
    assert (coal.lead, coal.entry_id, coal.assists) == (CY_CGW, 3, (WANGJING,))
    garbage = decide(["01", "0106", "010601"], WANGJING_COMMUNITY)
    assert (garbage.lead, garbage.entry_id) == (WANGJING, 1)


def test_a_region_entry_beats_the_citywide_one_for_the_same_category() -> None:
    in_zone = decide(["02", "0204", "020401"], ZONE_PLACE)
    assert (in_zone.lead, in_zone.entry_id) == (ZONE, 6)
    elsewhere = decide(["02", "0204", "020401"], WANGJING_COMMUNITY)
    assert (elsewhere.lead, elsewhere.entry_id) == (CY_TRAFFIC, 4)


def test_municipal_beats_district_department_when_the_catalog_says_so() -> None:
    taxi = decide(["02", "0204", "020404"], HAIDIAN_STREET)
    assert taxi.lead == M_TRANSPORT
    parking = decide(["02", "0204", "020401"], WANGJING_COMMUNITY)
    assert parking.lead == CY_TRAFFIC


def test_a_municipal_matter_needs_no_district() -> None:
    assert decide(["02", "0204", "020404"], CITY).lead == M_TRANSPORT


def test_an_enterprise_leads_wherever_the_ticket_is() -> None:
    assert decide(["01", "0105", "010501"], HAIDIAN_STREET).lead == E_HEATING
    assert decide(["01", "0105", "010501"], HAIDIAN_STREET).assists == ()  # no street office indexed there


def test_a_department_matter_is_never_pushed_down_to_the_street() -> None:
    # 海淀 has no 交通支队 in this directory: the district government takes it, not 中关村街道.
    decision = decide(["02", "0204", "020401"], HAIDIAN_STREET)
    assert (decision.lead, decision.fallback) == (HAIDIAN, True)
    assert "兜底" in decision.explanation
    landscaping = decide(["04", "0401", "040101"], WANGJING_COMMUNITY)
    assert landscaping.lead == CHAOYANG


def test_no_entry_falls_back_to_the_district_government() -> None:
    decision = decide(["09", "0901", "090101"], WANGJING_COMMUNITY)
    assert (decision.lead, decision.fallback, decision.entry_id) == (CHAOYANG, True, None)
    assert "没有适用" in decision.explanation


def test_a_street_matter_known_only_to_district_level_goes_to_the_district() -> None:
    decision = decide(["01", "0106", "010601"], CHAOYANG_ONLY)
    assert (decision.lead, decision.fallback) == (CHAOYANG, True)
    assert "无法确定属地街道" in decision.explanation


def test_no_district_and_no_municipal_rule_needs_a_person() -> None:
    decision = decide(["01", "0106", "010601"], CITY)
    assert decision.lead is None
    assert "人工" in decision.explanation


def test_a_unit_whose_return_was_approved_is_excluded() -> None:
    decision = decide(["01", "0105", "010501"], WANGJING_COMMUNITY, exclude=(E_HEATING.id,))
    assert (decision.lead, decision.fallback) == (CHAOYANG, True)
    assert "已退回" in decision.explanation
    both = decide(["01", "0105", "010501"], WANGJING_COMMUNITY, exclude=(E_HEATING.id, CHAOYANG.id))
    assert both.lead is None


def test_excluded_assists_and_the_lead_itself_are_not_assists() -> None:
    catalog = [entry(1, "01", STREET, assists=(STREET, GOV))]
    decision = r.route(
        category_path=["01"],
        category_label="01",
        place=WANGJING_COMMUNITY,
        entries=catalog,
        directory=DIRECTORY,
        exclude=(CHAOYANG.id,),
    )
    assert (decision.lead, decision.assists) == (WANGJING, ())


def test_the_explanation_names_the_entry_rule_and_units() -> None:
    decision = decide(["01", "0105", "010501"], WANGJING_COMMUNITY)
    assert "派单目录条目「0105」（全市）" in decision.explanation
    assert "公共服务企业（供热） → 北京市热力集团" in decision.explanation
    assert "协办：望京街道办事处" in decision.explanation
    assert decision.as_payload()["lead_unit"] == "E-heating"


@pytest.mark.parametrize("order", [CATALOG, list(reversed(CATALOG))])
def test_result_does_not_depend_on_catalog_order(order: list[r.Entry]) -> None:
    decision = r.route(
        category_path=["01", "0105", "010506"],
        category_label="x",
        place=WANGJING_COMMUNITY,
        entries=order,
        directory=DIRECTORY,
    )
    assert decision.entry_id == 3
