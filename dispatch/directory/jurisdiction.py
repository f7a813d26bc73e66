"""The jurisdiction profile: the one place that says which city this deployment serves.

``settings.JURISDICTION`` names a folder under ``dispatch/data/`` (``beijing`` by default) holding
``profile.yaml`` and the city's data files. Everything city-specific — the root region, phone area
code, bounding box, address prefixes, data files — is read through ``jurisdiction()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

DATA_ROOT = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class BoundingBox:
    min_lng: float
    max_lng: float
    min_lat: float
    max_lat: float

    def contains_lng(self, lng: float) -> bool:
        return self.min_lng <= lng <= self.max_lng

    def contains_lat(self, lat: float) -> bool:
        return self.min_lat <= lat <= self.max_lat


@dataclass(frozen=True)
class Jurisdiction:
    key: str  # the data folder's name
    code: str  # the city's region code (110000)
    name: str  # the city's official name
    short_name: str
    kind: str  # a RegionKind: municipality, or a prefecture-level city
    division_prefix: str  # district and street codes start with it
    phone_area_code: str
    bounding_box: BoundingBox
    address_prefixes: tuple[str, ...]
    census_source: str
    data_dir: Path
    sla_policy: dict[str, Any] | None = None  # the city's own deadlines (orders.sla), if it has them

    def data_file(self, name: str) -> Path:
        """A data file of this city, or the shared one of the same name (``categories.yaml``)."""
        own = self.data_dir / name
        return own if own.exists() else DATA_ROOT / name

    def contains_code(self, code: str) -> bool:
        return code.startswith(self.division_prefix)


@cache
def _load(key: str) -> Jurisdiction:
    folder = DATA_ROOT / key
    raw = yaml.safe_load((folder / "profile.yaml").read_text(encoding="utf-8"))
    return Jurisdiction(
        key=key,
        code=str(raw["code"]),
        name=raw["name"],
        short_name=raw["short_name"],
        kind=raw["kind"],
        division_prefix=str(raw["division_prefix"]),
        phone_area_code=str(raw["phone_area_code"]),
        bounding_box=BoundingBox(**{k: float(v) for k, v in raw["bounding_box"].items()}),
        address_prefixes=tuple(raw["address_prefixes"]),
        census_source=raw.get("census_source", "") or "",
        data_dir=folder,
        sla_policy=raw.get("sla_policy"),
    )


def profiles() -> dict[str, str]:
    """The cities this code can serve: 民政部 code → profile folder (110000 → beijing)."""
    out = {}
    for path in sorted(DATA_ROOT.glob("*/profile.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[str(raw["code"])] = path.parent.name
    return out


def jurisdiction() -> Jurisdiction:
    """The profile of the city this deployment serves."""
    return _load(settings.JURISDICTION)
