"""The category tree and the dispatch catalog, from the shared ``categories.yaml`` and the city's
``catalog_locality.yaml``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ..cache import directory_cache_clear
from ..choices import (
    DemandType,
    EmergencyLine,
    LeadRule,
    UnitFunction,
    UrgencyTier,
)
from ..jurisdiction import jurisdiction
from ..models import (
    CatalogAssist,
    CatalogEntry,
    Category,
    Region,
    Unit,
)
from .common import (
    LoadStats,
    Progress,
    read_yaml,
    silent,
    upsert,
)


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
    entry, created, changed = upsert(
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
def categories_load(*, progress: Progress = silent) -> LoadStats:
    """Load the 3-level category tree and the catalog seeded beside it."""
    directory_cache_clear()
    transaction.on_commit(directory_cache_clear)
    stats = LoadStats()
    tree = read_yaml("categories.yaml")
    # "{city}" in a phrase is the city's short name (落户{city} → 落户北京, 落户杭州)
    city = jurisdiction().short_name
    synonyms = {
        str(code): [phrase.replace("{city}", city) for phrase in phrases]
        for code, phrases in (read_yaml("category_synonyms.yaml") or {}).items()
    }
    saved: dict[str, Category] = {}
    for order, (node, parent, inherited) in enumerate(_iter_categories(tree)):
        is_leaf = not node.get("children")
        types = [DemandType(t).value for t in inherited.get("types", [])]
        urgency = UrgencyTier(inherited["urgency"]).value if is_leaf and inherited.get("urgency") else ""
        category, created, changed = upsert(
            Category,
            {"code": str(node["code"])},
            {
                "name": node["name"],
                "parent": saved[str(parent["code"])] if parent else None,
                "default_urgency": urgency,
                "demand_types": types if is_leaf else [],
                "keywords": node.get("kw", ""),
                "synonyms": " ".join(str(p) for p in synonyms.get(str(node["code"]), [])),
                "auto_dispatch": bool(inherited.get("auto", False)) and is_leaf and "transfer" not in node,
                "transfer_to": EmergencyLine(str(node["transfer"])).value if "transfer" in node else "",
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

    for item in read_yaml("catalog_locality.yaml"):
        category = Category.objects.get(code=item["category"])
        region = Region.objects.get(code=item["region"])
        assists = [parse_rule(a) for a in item.get("assist", [])]
        _save_entry(category, region, parse_rule(item["lead"]), assists, item.get("basis", ""), stats)
    progress(f"catalog entries: {CatalogEntry.objects.filter(is_active=True).count()}")
    return stats
