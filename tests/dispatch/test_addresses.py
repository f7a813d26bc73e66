"""Region suggestions from real Beijing addresses."""

from __future__ import annotations

import pytest

from dispatch import addresses
from dispatch.selectors import address_resolve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "code", "level", "confidence"),
    [
        # a street office named in full
        ("北京市朝阳区望京街道阜通东大街6号", "110105026", "street", "high"),
        ("丰台区东铁匠营街道蒲黄榆三里", "110106007", "street", "high"),
        ("通州区永顺镇", "110112120", "street", "high"),
        # the name citizens use for a 乡 (南磨房地区 is 南磨房乡's statistical name)
        ("朝阳区南磨房地区南磨房路37号院", "110105021", "street", "high"),
        # 海淀镇 is run as 万柳地区
        ("海淀区万柳地区万泉河路68号", "110108023", "street", "high"),
        # a functional zone by the name people use
        ("亦庄经济技术开发区荣华中路10号", "110115403", "street", "high"),
        # a community (花家地西里社区 in 望京街道)
        ("朝阳区花家地西里3号楼", "110105026034", "community", "medium"),
        # only the district named
        ("东城区", "110101", "district", "low"),
        # a former district name still resolves to today's district
        ("崇文区东花市大街", "110101", "district", "low"),
        # a road named like a street office: stays at district level
        ("海淀区中关村大街27号", "110108", "district", "low"),
        ("海淀区学院路30号", "110108", "district", "low"),
    ],
)
def test_real_addresses(address: str, code: str, level: str, confidence: str) -> None:
    resolution = address_resolve(address)
    assert (resolution.region_code, resolution.level, resolution.confidence) == (code, level, confidence), (
        resolution.note
    )


def test_road_only_says_so() -> None:
    resolution = address_resolve("海淀区中关村大街27号")
    assert "「中关村大街」是道路名称" in resolution.note
    nothing = address_resolve("中关村东路18号")
    assert (nothing.region_code, nothing.confidence) == (None, "none")


def test_a_short_name_is_offered_for_checking() -> None:
    resolution = address_resolve("西城区金融街")
    assert (resolution.region_code, resolution.confidence) == ("110102011", "medium")
    assert "请核实" in resolution.note


def test_two_districts_are_not_guessed_between() -> None:
    resolution = address_resolve("朝阳区还是海淀区说不清")
    assert resolution.region_code is None
    assert {c["code"] for c in resolution.candidates} == {"110105", "110108"}


def test_a_name_shared_by_streets_in_different_districts_stays_unresolved() -> None:
    # 东风 is the short name of 房山区东风街道 and of 朝阳区东风乡 (东风地区)
    resolution = address_resolve("东风一号院")
    assert resolution.region_code is None
    assert len({c["district"] for c in resolution.candidates}) >= 2


def test_the_district_decides_between_namesakes() -> None:
    resolution = address_resolve("朝阳区东风地区将台路")
    assert resolution.region_code == "110105030"


def test_normalisation() -> None:
    assert addresses.normalize(" 北京市 朝阳区　望京 ", ("北京市", "北京")) == "朝阳区望京"
    assert address_resolve("").confidence == "none"


def test_api(client_for) -> None:  # type: ignore[no-untyped-def]
    body = (
        client_for("agent")
        .get("/api/v1/addresses/resolve/", {"address": "朝阳区南磨房地区南磨房路37号"})
        .json()
    )
    assert (body["street_code"], body["district_code"]) == ("110105021", "110105")
    assert client_for("agent").get("/api/v1/addresses/resolve/").status_code == 400


@pytest.mark.parametrize(
    ("address", "elsewhere"),
    [
        ("吉林省长春市朝阳区红旗街", "吉林省"),
        ("长春市朝阳区红旗街1号", "长春市"),
        ("河北省三河市燕郊镇", "河北省"),
        ("三河市燕郊镇迎宾路", "三河市"),
        ("天津市和平区南京路", "天津市"),
    ],
)
def test_another_places_address_is_refused(address: str, elsewhere: str) -> None:
    resolution = address_resolve(address)
    assert (resolution.region_code, resolution.confidence, resolution.outside) == (None, "none", True)
    assert elsewhere in resolution.note
    assert "北京市" in resolution.note


@pytest.mark.parametrize(
    "address",
    ["东城区朝阳门内大街", "朝阳门外大街12号", "西城区阜成门外大街", "朝阳区朝阳门外大街甲6号"],
)
def test_a_gates_road_is_not_its_street(address: str) -> None:
    resolution = address_resolve(address)
    assert resolution.street_code != "110101008"  # 朝阳门街道 is not named by its road alone
    assert resolution.level in (None, "district")
    assert resolution.outside is False


def test_a_market_is_not_a_city() -> None:
    assert address_resolve("朝阳市场东侧").outside is False
