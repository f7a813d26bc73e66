"""Model field shapes every app's models use (the bottom layer, so every app may import it)."""

from __future__ import annotations

from typing import Any

from django.db import models


def optional_reference(
    to: Any,
    verbose_name: Any,
    *,
    on_delete: Any = models.PROTECT,
    related_name: str = "+",
    db_index: bool = True,
) -> models.ForeignKey:
    """A nullable reference — who decided, which unit acted, the parent if any — that nothing
    reaches back through unless ``related_name`` says so. ``db_index=False`` where a composite index
    of the model starts with the column already."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        db_index=db_index,
    )
