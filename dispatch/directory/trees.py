"""Materialised paths of the two trees (regions, categories): a moved node takes its subtree along.

``path`` (``110000.110105.110105026``) lets a subtree be one indexed prefix match. A node derives
its own path from its parent when saved; when that path changes (the node moved, or its code did),
every descendant's path — and for categories their level — is rewritten in one UPDATE.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

PATH_SEPARATOR = "."


def subtree_repath(model: type[Any], old_path: str, new_path: str, *, level_delta: int = 0) -> int:
    """Rewrite the descendants of the node whose path went from ``old_path`` to ``new_path``."""
    changes: dict[str, Any] = {"path": Concat(Value(new_path), Substr("path", len(old_path) + 1))}
    if level_delta:
        changes["level"] = F("level") + level_delta
    return int(model.objects.filter(path__startswith=old_path + PATH_SEPARATOR).update(**changes))
