"""Finding a category from words, as the agents' pages and the API ask it: the model of
``dispatch.category_text`` built from the active leaves (names, keywords, synonyms) and the latest
learned counts (``CategoryModelSnapshot``), kept per process for the directory cache's lifetime.

jieba's dictionary takes about a second to load: the segmenter is built once per process and only
learns new catalog terms afterwards.
"""

from __future__ import annotations

import threading
from typing import Any

from dispatch.directory.cache import cached
from dispatch.directory.models import Category
from dispatch.directory.reads import category_leaves
from dispatch.models import CategoryModelSnapshot

from . import category_text
from .category_text import Leaf, Model, Segmenter, Suggestion

_segmenter: Segmenter | None = None
_segmenter_lock = threading.Lock()


def segmenter(terms: set[str] | None = None) -> Segmenter:
    """The process's segmenter, with ``terms`` added to its dictionary."""
    global _segmenter
    with _segmenter_lock:
        if _segmenter is None:
            _segmenter = Segmenter()
    if terms:
        _segmenter.add(terms)
    return _segmenter


def leaves_for_model() -> list[Leaf]:
    rows = category_leaves().select_related("parent__parent").order_by("code")
    leaves = []
    for c in rows:
        parents = tuple(n.name for n in (c.parent, c.parent.parent if c.parent else None) if n is not None)
        leaves.append(
            Leaf(
                code=c.code,
                path=" / ".join([*reversed(parents), c.name]),
                name=c.name,
                parents=parents,
                keywords=tuple((c.keywords + " " + c.synonyms).split()),
            )
        )
    return leaves


def catalog_terms(leaves: list[Leaf]) -> set[str]:
    return {term for leaf in leaves for term in (leaf.name, *leaf.parents, *leaf.keywords)}


def _model_load() -> Model:
    leaves = leaves_for_model()
    words = segmenter(catalog_terms(leaves))
    snapshot = CategoryModelSnapshot.objects.order_by("-trained_at", "-pk").first()
    return category_text.model_build(
        leaves,
        words,
        learned=snapshot.counts if snapshot else None,
        documents=snapshot.documents if snapshot else None,
    )


def category_model() -> Model:
    """The model as it stands (the catalog, plus what the last training learned)."""
    return cached("category", "model", _model_load)


def category_suggestions(text: str, *, limit: int = 3) -> list[Suggestion]:
    """分类建议: the likeliest leaves for a demand's text, with scores and the deciding words."""
    model = category_model()
    return category_text.suggest(model, segmenter().words(text), limit=limit)


def category_search_codes(query: str, *, limit: int = 50) -> list[str]:
    """The leaves an agent's search words point to: by name and path, then by synonyms and phrasing."""
    model = category_model()
    return category_text.search(model, segmenter().words(query), query, limit=limit)


def model_status() -> dict[str, Any]:
    snapshot = (
        CategoryModelSnapshot.objects.order_by("-trained_at", "-pk").only("trained_at", "examples").first()
    )
    return {
        **category_text.model_summary(category_model()),
        "trained_at": snapshot.trained_at if snapshot else None,
        "leaves_active": Category.objects.filter(level=3, is_active=True).count(),
    }
