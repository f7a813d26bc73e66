"""分类建议模型的训练: count the words of the demands agents filed under each leaf, so the intake
desk's suggestion learns the centre's own phrasing. Nightly (``dispatch.category_model_train``);
idempotent — each run counts the window afresh and stores a snapshot; the last few are kept."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from dispatch.category_finder import catalog_terms, leaves_for_model, segmenter
from dispatch.category_text import learned_counts
from dispatch.models import CategoryModelSnapshot
from orders import clock
from orders.choices import RejectReason, TicketState
from orders.models import Ticket

from .accounts import SYSTEM_USERNAME

KEEP_SNAPSHOTS = 3


def category_model_train(*, days: int = 180, limit: int = 200_000) -> CategoryModelSnapshot:
    """Learn from the last ``days`` of demands (at most ``limit``, newest first) that people filed:
    not the system's, not abusive calls or calls without a demand."""
    now = clock.now()
    since = now - dt.timedelta(days=days)
    leaves = leaves_for_model()
    words = segmenter(catalog_terms(leaves))
    rows = (
        Ticket.objects.filter(created_at__gte=since)
        .exclude(created_by__username=SYSTEM_USERNAME)
        .exclude(
            Q(state=TicketState.REJECTED)
            & Q(reject_reason__in=[RejectReason.ABUSIVE, RejectReason.NO_DEMAND])
        )
        .order_by("-created_at")
        .values_list("category__code", "content")[:limit]
    )
    counts, documents = learned_counts(
        rows.iterator(chunk_size=5000), words, {leaf.code: leaf for leaf in leaves}
    )
    with transaction.atomic():
        snapshot = CategoryModelSnapshot.objects.create(
            trained_at=now,
            examples=sum(documents.values()),
            since=since,
            counts={code: dict(counter) for code, counter in counts.items()},
            documents=dict(documents),
        )
        stale = CategoryModelSnapshot.objects.order_by("-trained_at", "-pk").values_list("pk", flat=True)[
            KEEP_SNAPSHOTS:
        ]
        CategoryModelSnapshot.objects.filter(pk__in=list(stale)).delete()
    return snapshot
