"""Routing by locality + function (属地 + 职能), as pure functions: no ORM, no I/O.

Given a ticket's category path and region path, the dispatch catalog and the units to exclude,
``route`` returns the lead unit, the assisting units, the catalog entry that decided, whether the
district government took it as a fallback (兜底), and an explanation in Chinese for the dispatcher.

Rules (DESIGN §4):
- the most specific entry wins: the deepest category first, then the finest region (an entry
  limited to a region beats a citywide one for the same category);
- the entry names *how* to find the lead: the street office of the ticket's street, a district
  department of a function in the ticket's district, a named municipal department or enterprise …;
- a matter the catalog gives to a department is never pushed down to a street office: if that
  department cannot be found (or is excluded), the district government takes it, not the street;
- no entry, or no such unit → the district government of the ticket's district;
- units whose return of this ticket was approved are excluded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Rule kinds, as stored in the catalog (dispatch.choices.LeadRule values).
STREET = "street"
DISTRICT_GOVERNMENT = "district_government"
DISTRICT_DEPARTMENT = "district_department"
MUNICIPAL_DEPARTMENT = "municipal_department"
ENTERPRISE = "enterprise"
UNIT = "unit"

RULE_LABEL = {
    STREET: "属地街道（乡镇）",
    DISTRICT_GOVERNMENT: "属地区政府",
    DISTRICT_DEPARTMENT: "属地区级职能部门",
    MUNICIPAL_DEPARTMENT: "市级职能部门",
    ENTERPRISE: "公共服务企业",
    UNIT: "指定单位",
}


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class Rule:
    kind: str
    function: str = ""
    function_label: str = ""
    unit_code: str = ""
    unit_name: str = ""

    def describe(self) -> str:
        label = RULE_LABEL.get(self.kind, self.kind)
        if self.function_label:
            return f"{label}（{self.function_label}）"
        if self.unit_code:
            return f"{label}（{self.unit_name or self.unit_code}）"
        return label


@dataclass(frozen=True)
class Entry:
    """One catalog entry, flattened: the category and region are given by their codes."""

    id: int
    category_code: str
    category_depth: int  # 1..3
    category_name: str
    region_code: str | None  # None: citywide
    region_depth: int  # 0 city … 3 community; -1 when citywide
    region_name: str
    lead: Rule
    assists: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Directory:
    """The units routing can name, indexed the ways the rules look for them."""

    street_office_by_region: Mapping[str, UnitInfo]  # street/zone region code → its office
    district_government_by_region: Mapping[str, UnitInfo]  # district code → government
    district_department: Mapping[tuple[str, str], UnitInfo]  # (district code, function) → department
    municipal_department: Mapping[str, UnitInfo]  # function → department
    enterprise: Mapping[str, UnitInfo]  # function → the enterprise serving the whole city
    by_code: Mapping[str, UnitInfo]
    # function → (region code, enterprise) for enterprises serving only some regions (供应范围)
    enterprise_areas: Mapping[str, Sequence[tuple[str, UnitInfo]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Place:
    """Where the ticket is: the codes from the city down to its finest known region."""

    codes: tuple[str, ...]  # e.g. ("110000", "110105", "110105026", "110105026034")
    names: tuple[str, ...]

    @property
    def district(self) -> str | None:
        return self.codes[1] if len(self.codes) > 1 else None

    @property
    def street(self) -> str | None:
        return self.codes[2] if len(self.codes) > 2 else None

    @property
    def label(self) -> str:
        return "".join(self.names[1:]) or (self.names[0] if self.names else "")


@dataclass(frozen=True)
class Decision:
    lead: UnitInfo | None
    assists: tuple[UnitInfo, ...]
    entry_id: int | None
    fallback: bool
    explanation: str
    rule: str = ""  # the lead rule that decided, described
    skipped: tuple[str, ...] = field(default=())  # assisting rules that found no unit

    def as_payload(self) -> dict[str, object]:
        return {
            "lead_unit": self.lead.code if self.lead else None,
            "assist_units": [u.code for u in self.assists],
            "entry_id": self.entry_id,
            "fallback": self.fallback,
            "rule": self.rule,
            "explanation": self.explanation,
        }


def matching_entries(entries: Iterable[Entry], category_path: Sequence[str], place: Place) -> list[Entry]:
    """Entries that apply, most specific first (deepest category, then finest region)."""
    categories = set(category_path)
    regions = set(place.codes)
    applicable = [
        e
        for e in entries
        if e.category_code in categories and (e.region_code is None or e.region_code in regions)
    ]
    return sorted(applicable, key=lambda e: (-e.category_depth, -e.region_depth, e.id))


def resolve(rule: Rule, place: Place, directory: Directory) -> UnitInfo | None:
    """The unit a rule names for this place, or None if there is none."""
    if rule.kind == STREET:
        return directory.street_office_by_region.get(place.street or "")
    if rule.kind == DISTRICT_GOVERNMENT:
        return directory.district_government_by_region.get(place.district or "")
    if rule.kind == DISTRICT_DEPARTMENT:
        return directory.district_department.get((place.district or "", rule.function))
    if rule.kind == MUNICIPAL_DEPARTMENT:
        return directory.municipal_department.get(rule.function)
    if rule.kind == ENTERPRISE:
        serving = enterprise_serving(rule.function, place, directory)
        return serving[0] if serving else directory.enterprise.get(rule.function)
    if rule.kind == UNIT:
        return directory.by_code.get(rule.unit_code)
    return None


def enterprise_serving(function: str, place: Place, directory: Directory) -> tuple[UnitInfo, str] | None:
    """The enterprise of ``function`` whose service area holds the place (the finest area wins),
    with the area's name; None when none does (the city-wide enterprise takes it)."""
    depth = {code: i for i, code in enumerate(place.codes)}
    serving = [
        (depth[code], unit, code)
        for code, unit in directory.enterprise_areas.get(function, ())
        if code in depth
    ]
    if not serving:
        return None
    level, unit, _code = max(serving, key=lambda item: (item[0], -item[1].id))
    return unit, place.names[level] if level < len(place.names) else ""


def route(
    *,
    category_path: Sequence[str],
    category_label: str,
    place: Place,
    entries: Iterable[Entry],
    directory: Directory,
    exclude: Iterable[int] = (),
) -> Decision:
    excluded = set(exclude)
    candidates = matching_entries(entries, category_path, place)
    government = directory.district_government_by_region.get(place.district or "")

    def fallback(reason: str) -> Decision:
        if government is not None and government.id not in excluded:
            return Decision(
                lead=government,
                assists=(),
                entry_id=candidates[0].id if candidates else None,
                fallback=True,
                explanation=f"{reason}按兜底规则派至属地区政府：{government.name}。",
                rule=RULE_LABEL[DISTRICT_GOVERNMENT],
            )
        why = "工单所在地不在任何区内" if government is None else f"{government.name}已退回本工单"
        return Decision(
            lead=None,
            assists=(),
            entry_id=candidates[0].id if candidates else None,
            fallback=True,
            explanation=f"{reason}{why}，无法兜底，请派单员人工指定承办单位。",
        )

    if not candidates:
        return fallback(f"派单目录中没有适用于「{category_label}」的条目，")

    entry = candidates[0]
    scope = f"（限{entry.region_name}）" if entry.region_code else "（全市）"
    basis = f"分类「{category_label}」按派单目录条目「{entry.category_name}」{scope}："
    lead = resolve(entry.lead, place, directory)
    if lead is None:
        return fallback(f"{basis}主办规则为{entry.lead.describe()}，但{_why_unresolved(entry.lead, place)}，")
    if lead.id in excluded:
        return fallback(f"{basis}主办规则指向{lead.name}，但该单位已退回本工单，")

    assists: list[UnitInfo] = []
    skipped: list[str] = []
    for rule in entry.assists:
        unit = resolve(rule, place, directory)
        if unit is None:
            skipped.append(rule.describe())
        elif unit.id != lead.id and unit.id not in excluded and unit not in assists:
            assists.append(unit)
    explanation = f"{basis}主办规则为{entry.lead.describe()} → {lead.name}"
    if entry.lead.kind == ENTERPRISE:
        serving = enterprise_serving(entry.lead.function, place, directory)
        explanation += f"（供应范围含{serving[1]}）" if serving else "（全市）"
    if assists:
        explanation += "；协办：" + "、".join(u.name for u in assists)
    if skipped:
        explanation += "；未找到协办单位：" + "、".join(skipped)
    return Decision(
        lead=lead,
        assists=tuple(assists),
        entry_id=entry.id,
        fallback=False,
        explanation=explanation + "。",
        rule=entry.lead.describe(),
        skipped=tuple(skipped),
    )


def _why_unresolved(rule: Rule, place: Place) -> str:
    if rule.kind == STREET and place.street is None:
        return "工单地点只精确到" + (place.label or "市") + "，无法确定属地街道（乡镇）"
    if rule.kind in (DISTRICT_GOVERNMENT, DISTRICT_DEPARTMENT) and place.district is None:
        return "工单地点未精确到区"
    return f"{place.label or '所在地'}没有对应单位"
