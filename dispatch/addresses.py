"""Suggest the street/township and district from free Chinese address text. Pure: no ORM.

The agent types what the caller says (“朝阳区南磨房地区南磨房路37号院”); this finds the region names
and aliases in it and proposes the finest region it can stand behind, with the reason. It never
guesses: a name that is only part of a road (“中关村大街” is not 中关村街道), or one that several
streets share with no district to tell them apart, stays at district level (or none) and says so.
The agent always chooses in the end.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

DISTRICT, STREET, COMMUNITY = "district", "street", "community"
LEVEL_DEPTH = {DISTRICT: 1, STREET: 2, COMMUNITY: 3}

# What follows a place name when it is really part of a road, a bridge or a lane (中关村大街,
# 荣华中路, 望京西路): optional direction or ordinal characters, then a road word.
ROAD_WORDS = ("大街", "大道", "路", "街", "道", "胡同", "桥", "巷", "环", "里弄", "高速", "公路")
# 朝阳门内大街, 阜成门外大街, 德胜门西大街: 内/外 and 前/后 qualify a gate's road as directions do.
ROAD_AFTER = re.compile(r"[东西南北中内外前后一二三四五六七八九十]{0,2}(?:" + "|".join(ROAD_WORDS) + ")")
# A shortened name that is itself a road's name (学院路, 金融街) followed by a house number is the road.
HOUSE_NUMBER = re.compile(r"[0-9甲乙丙]+[号-]")
STREET_SUFFIXES = ("街道", "地区", "回族乡", "满族乡", "蒙古族乡", "满族蒙古族乡", "镇", "乡")


@dataclass(frozen=True)
class Name:
    """One way of writing a region's name, and how much it can be trusted."""

    text: str
    code: str
    level: str  # district | street | community
    region_name: str
    district_code: str
    street_code: str  # "" for districts
    exact: bool  # the official name or a recorded alias (not a shortened form)
    district_name: str = ""
    street_name: str = ""


@dataclass(frozen=True)
class Match:
    name: Name
    start: int
    end: int
    as_road: bool = False


@dataclass
class Resolution:
    region_code: str | None
    level: str | None
    confidence: str  # high | medium | low | none
    note: str
    district_code: str | None = None
    street_code: str | None = None
    community_code: str | None = None
    candidates: list[dict[str, str]] = field(default_factory=list)
    outside: bool = False  # the address names another province or city: not this jurisdiction's


def short_street_name(name: str) -> str | None:
    for suffix in STREET_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def short_community_name(name: str) -> str | None:
    if name.endswith("社区") and len(name) - 2 >= 3:
        return name[:-2]
    return None


class AddressIndex:
    """Region names bucketed by their first two characters, for a scan of the address text."""

    def __init__(
        self,
        names: Iterable[Name],
        *,
        city_prefixes: Iterable[str] = (),
        city_name: str = "",
        foreign_prefixes: Iterable[str] = (),
    ) -> None:
        # The city's own name written in front of a district says nothing about the place in it.
        self.city_prefixes = tuple(sorted(city_prefixes, key=len, reverse=True))
        self.city_name = city_name
        # Other provinces, prefectures and counties (with their 省/市/州/县/旗 suffix): an address
        # that starts with one is elsewhere, even when a district there shares a name with ours
        # (吉林省长春市朝阳区 is not this city's 朝阳区).
        self.foreign_prefixes = tuple(sorted(set(foreign_prefixes), key=len, reverse=True))
        self.buckets: dict[str, list[Name]] = defaultdict(list)
        for name in names:
            if len(name.text) >= 2:
                self.buckets[name.text[:2]].append(name)
        for bucket in self.buckets.values():
            bucket.sort(key=lambda n: -len(n.text))

    def scan(self, text: str) -> list[Match]:
        found: list[Match] = []
        for i in range(len(text) - 1):
            for name in self.buckets.get(text[i : i + 2], ()):
                if text.startswith(name.text, i):
                    end = i + len(name.text)
                    as_road = not name.exact and (
                        ROAD_AFTER.match(text, end) is not None
                        or (name.text.endswith(ROAD_WORDS) and HOUSE_NUMBER.match(text, end) is not None)
                    )
                    found.append(Match(name, i, end, as_road))
        return _drop_contained(found)


def _drop_contained(matches: list[Match]) -> list[Match]:
    """Keep the longest readings: 南磨房地区 hides the 南磨房 inside it."""
    kept: list[Match] = []
    for match in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if any(
            k.start <= match.start and match.end <= k.end and (k.end - k.start) > (match.end - match.start)
            for k in kept
        ):
            continue
        kept.append(match)
    return sorted(kept, key=lambda m: m.start)


def normalize(text: str, city_prefixes: Iterable[str] = ()) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"\s+", "", text)
    for prefix in city_prefixes:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def foreign_prefix(address: str, index: AddressIndex) -> str | None:
    """The other province, prefecture or county the (normalised) address starts with, if any
    (朝阳市 is a city in 辽宁, but 朝阳市场 is a market)."""
    for name in index.foreign_prefixes:
        if address.startswith(name) and not (
            name.endswith("市") and address[len(name) : len(name) + 1] == "场"
        ):
            return name
    return None


def resolve_address(text: str, index: AddressIndex) -> Resolution:
    address = normalize(text, index.city_prefixes)
    if not address:
        return Resolution(None, None, "none", "地址为空。")
    elsewhere = foreign_prefix(address, index)
    if elsewhere is not None:
        city = index.city_name or "本市"
        return Resolution(
            None, None, "none", f"地址属于{elsewhere}，不在{city}管辖范围内，请与诉求人核实。", outside=True
        )
    matches = index.scan(address)
    roads = [m for m in matches if m.as_road]
    places = [m for m in matches if not m.as_road]
    districts = {m.name.code: m for m in places if m.name.level == DISTRICT}
    district_code = next(iter(districts)) if len(districts) == 1 else None
    if len(districts) > 1:
        names = "、".join(m.name.region_name for m in districts.values())
        return Resolution(
            None,
            None,
            "none",
            f"地址中出现多个区（{names}），请与诉求人核实。",
            candidates=_candidates(districts.values()),
        )

    def consistent(m: Match) -> bool:
        return district_code is None or m.name.district_code == district_code

    streets = {m.name.code: m for m in places if m.name.level == STREET and consistent(m)}
    exact_streets = {code: m for code, m in streets.items() if m.name.exact}
    if len(exact_streets) == 1:  # a full name or recorded alias outweighs shortened readings
        streets = exact_streets
    communities = [m for m in places if m.name.level == COMMUNITY and consistent(m)]
    road_note = ""
    if roads:
        road_note = (
            "「"
            + "」「".join(address[m.start : m.end] + _road_word(address, m.end) for m in roads)
            + "」是道路名称，"
        )

    # A community is the finest place, if it is unambiguous and agrees with any street named.
    if len(streets) == 1:
        street = next(iter(streets.values()))
        communities = [m for m in communities if m.name.street_code == street.name.code]
    by_code = {m.name.code: m for m in communities}
    if len(by_code) == 1:
        community = next(iter(by_code.values()))
        exact = community.name.exact and (len(streets) == 1 or district_code is not None)
        return Resolution(
            community.name.code,
            COMMUNITY,
            "high" if exact else "medium",
            f"识别到{community.name.region_name}（{_path_label(community.name)}）。",
            district_code=community.name.district_code,
            street_code=community.name.street_code,
            community_code=community.name.code,
            candidates=_candidates([community]),
        )

    if len(streets) == 1:
        street = next(iter(streets.values()))
        confidence = "high" if street.name.exact else "medium"
        how = "" if street.name.exact else f"（按简称「{street.name.text}」识别，请核实）"
        return Resolution(
            street.name.code,
            STREET,
            confidence,
            f"识别到{street.name.region_name}{how}。",
            district_code=street.name.district_code,
            street_code=street.name.code,
            candidates=_candidates([street]),
        )

    ambiguous = list(streets.values()) + communities
    if len(streets) > 1 or (not streets and len(by_code) > 1):
        same_district = {m.name.district_code for m in ambiguous}
        names = "、".join(f"{m.name.region_name}（{_district_label(m)}）" for m in ambiguous[:6])
        if district_code is None and len(same_district) == 1:
            district_code = next(iter(same_district))
        if district_code:
            return Resolution(
                district_code,
                DISTRICT,
                "low",
                f"{road_note}地址可能对应多个街乡或社区：{names}，只定位到区，请话务员选择。",
                district_code=district_code,
                candidates=_candidates(ambiguous),
            )
        return Resolution(
            None,
            None,
            "none",
            f"{road_note}地址可能对应多个街乡或社区：{names}，请话务员选择。",
            candidates=_candidates(ambiguous),
        )

    if district_code:
        district = districts[district_code]
        return Resolution(
            district_code,
            DISTRICT,
            "low",
            f"{road_note}只识别到{district.name.region_name}，未能确定街道（乡镇），请话务员选择。",
            district_code=district_code,
            candidates=_candidates([district]),
        )
    return Resolution(None, None, "none", f"{road_note}未能从地址识别出区或街道，请话务员选择。")


def _road_word(text: str, at: int) -> str:
    found = ROAD_AFTER.match(text, at)
    return found.group(0) if found else ""


def _district_label(match: Match) -> str:
    return match.name.district_name or match.name.district_code


def _path_label(name: Name) -> str:
    return f"{name.district_name}{name.street_name}"


def _candidates(matches: Iterable[Match]) -> list[dict[str, str]]:
    return [
        {
            "code": m.name.code,
            "name": m.name.region_name,
            "level": m.name.level,
            "matched": m.name.text,
            "district": m.name.district_code,
        }
        for m in matches
    ]
