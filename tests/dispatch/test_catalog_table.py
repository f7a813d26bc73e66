"""Every leaf category, in real places, routes to the unit the seed catalog names.

The expected unit is derived here straight from dispatch/data/categories.yaml and the units'
naming convention — independently of dispatch.routing and of the database rows it reads — so a
routing or loading mistake shows up as a mismatch.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dispatch.directory.models import Category, Region
from dispatch.selectors import route_for

SEED = Path(__file__).resolve().parents[2] / "dispatch" / "data" / "categories.yaml"

# (region code, its district, its street or None): a subdistrict, a 乡 run as 地区, a town, a
# street of an outer district, a community, and a district-only location.
PLACES = [
    ("110105026034", "110105", "110105026"),  # 花家地西里社区, 望京街道, 朝阳区
    ("110105021", "110105", "110105021"),  # 南磨房乡 (南磨房地区)
    ("110112120", "110112", "110112120"),  # 通州区永顺镇
    ("110108011", "110108", "110108011"),  # 海淀区中关村街道
    ("110119", "110119", None),  # 延庆区, street unknown
]


def seed_leaves() -> list[tuple[str, str]]:
    """(leaf code, lead rule text) with the rule inherited from the nearest ancestor that has one."""
    leaves: list[tuple[str, str]] = []

    def walk(nodes: list[dict], inherited: str | None) -> None:
        for node in nodes:
            lead = node.get("lead", inherited)
            if node.get("children"):
                walk(node["children"], lead)
            else:
                assert lead, node["code"]
                leaves.append((str(node["code"]), lead))

    walk(yaml.safe_load(SEED.read_text(encoding="utf-8")), None)
    return leaves


def expected_unit(rule: str, district: str, street: str | None) -> str:
    kind, _, argument = rule.partition(":")
    if kind == "street":
        return f"S{street}" if street else f"G{district}"  # no street known → the district (兜底)
    if kind == "district_government":
        return f"G{district}"
    if kind == "district_department":
        return f"D{district}-{argument}"
    if kind == "municipal_department":
        return f"M-{argument}"
    if kind == "enterprise":
        return f"E-{argument}"
    if kind == "unit":
        return argument
    raise AssertionError(rule)


CASES = [(leaf, rule, place) for leaf, rule in seed_leaves() for place in PLACES]


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 100
    assert len({leaf for leaf, _, _ in CASES}) >= 150


@pytest.mark.django_db
def test_every_case_routes_to_the_catalog_unit() -> None:
    categories = {c.code: c for c in Category.objects.filter(level=3)}
    regions = {r.code: r for r in Region.objects.filter(code__in=[p[0] for p in PLACES])}
    mismatches = []
    for leaf, rule, (region_code, district, street) in CASES:
        decision = route_for(category=categories[leaf], region=regions[region_code])
        wanted = expected_unit(rule, district, street)
        if decision.lead is None or decision.lead.code != wanted:
            mismatches.append(
                (leaf, region_code, wanted, decision.lead and decision.lead.code, decision.explanation)
            )
    assert mismatches == []
