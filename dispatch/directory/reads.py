"""Reads of the directory: regions, units, categories, the catalog. Visible to every signed-in user."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from .cache import cached
from .choices import RegionLevel
from .models import CatalogAssist, CatalogEntry, Category, Region, RegionCodeHistory, Unit


def region_list() -> QuerySet[Region]:
    return Region.objects.select_related("parent").order_by("code")


def region_get_by_code(code: str) -> Region | None:
    """The region with this code today, following the code history for superseded codes."""
    # The parent chain comes along (a ticket keeps its district and street); district boundary
    # polygons do not.
    region = (
        Region.objects.select_related("parent__parent")
        .defer("boundary", "parent__boundary", "parent__parent__boundary")
        .filter(code=code)
        .first()
    )
    if region is not None:
        return region
    former = (
        RegionCodeHistory.objects.select_related("region__parent__parent")
        .defer("region__boundary", "region__parent__boundary", "region__parent__parent__boundary")
        .filter(code=code)
        .first()
    )
    return former.region if former else None


def region_index() -> dict[str, Region]:
    """Every region by code, each linked to its parent instance (one query, no boundaries): the
    directory cache's index for intake. The instances are shared and must not be modified."""
    regions = {r.pk: r for r in Region.objects.defer("boundary").order_by("level", "code")}
    for region in regions.values():
        parent = regions.get(region.parent_id) if region.parent_id else None
        region._state.fields_cache["parent"] = parent
    return {region.code: region for region in regions.values()}


def category_index() -> dict[str, Category]:
    """Every category by code, each linked to its parent instance (one query)."""
    categories = {c.pk: c for c in Category.objects.all()}
    for category in categories.values():
        parent = categories.get(category.parent_id) if category.parent_id else None
        category._state.fields_cache["parent"] = parent
    return {category.code: category for category in categories.values()}


def region_search(q: str) -> Q:
    """Match a region by its name or any alias."""
    return Q(name__icontains=q) | Q(aliases__name__icontains=q)


def region_ancestor_at(region: Region, level: str) -> Region | None:
    """The region itself or its ancestor at ``level`` (e.g. the street of a community)."""
    node: Region | None = region
    while node is not None and node.level != level:
        node = node.parent
    return node


def unit_list() -> QuerySet[Unit]:
    return Unit.objects.select_related("region", "parent").defer("region__boundary").order_by("code")


def category_list() -> QuerySet[Category]:
    has_children = Category.objects.filter(parent=OuterRef("pk"), is_active=True)
    return (
        Category.objects.select_related("parent").annotate(has_children=Exists(has_children)).order_by("path")
    )


def category_leaves() -> QuerySet[Category]:
    active_children = Category.objects.filter(parent=OuterRef("pk"), is_active=True)
    return category_list().filter(~Exists(active_children), level=3, is_active=True)


def catalog_list() -> QuerySet[CatalogEntry]:
    return (
        CatalogEntry.objects.select_related("category", "region", "lead_unit")
        .prefetch_related(Prefetch("assists", queryset=CatalogAssist.objects.select_related("unit")))
        .order_by("category__path", "region__path", "pk")
    )


def district_list() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")


def region_names() -> dict[str, str]:
    """Code → name of the city, districts and streets (communities are named by the ticket)."""
    return cached(
        "region",
        "names",
        lambda: dict(Region.objects.exclude(level=RegionLevel.COMMUNITY).values_list("code", "name")),
    )
