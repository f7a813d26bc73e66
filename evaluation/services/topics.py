"""每月一题 and proactive work (主动治理、未诉先办): adopting a topic, raising a proactive ticket."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.directory.choices import DemandType
from dispatch.directory.models import Category, Region, Unit
from orders import clock
from orders import services as ticket_services
from orders.choices import Channel, EventKind
from orders.exceptions import Conflict
from orders.models import Ticket

from ..choices import (
    WarningStatus,
)
from ..models import (
    EarlyWarning,
    MonthlyTopic,
)
from .warnings import warning_handle


@transaction.atomic
def topic_adopt(*, by: User, category: Category, month: dt.date, title: str) -> MonthlyTopic:
    """An administrator adopts a candidate as the month's topic; its evidence is kept as it was."""
    if not by.has_perm("evaluation.adopt_monthlytopic"):
        raise PermissionDenied(_("Your role may not do this."))
    if not title.strip():
        raise ValidationError({"title": _("Name the topic.")})
    label = month.strftime("%Y-%m")
    if MonthlyTopic.objects.filter(label=label, category=category).exists():
        raise Conflict(
            _("This category is already the topic of that month."), code="topic_exists", subject="topic"
        )
    from ..analytics import topic_candidates

    evidence = next((c for c in topic_candidates(month=month, n=50) if c["category"] == category.code), {})
    return MonthlyTopic.objects.create(
        label=label,
        category=category,
        title=title.strip(),
        evidence=evidence,
        adopted_by=by,
        adopted_at=clock.now(),
    )


@transaction.atomic
def proactive_ticket_create(
    *,
    by: User,
    lead_unit: Unit,
    category: Category,
    region: Region,
    content: str,
    warning: EarlyWarning | None = None,
    topic: MonthlyTopic | None = None,
) -> Ticket:
    """主动治理、未诉先办: a supervisor raises a ticket for a unit — from a warning or a topic — and it
    runs through the normal lifecycle (dispatched at once to the unit), reported apart from what
    citizens asked."""
    if not by.has_perm("orders.create_proactive_ticket"):
        raise PermissionDenied(_("Your role may not do this."))
    source: dict[str, Any] = (
        {"warning": warning.pk, "title": warning.title}
        if warning
        else {"topic": topic.pk, "title": topic.title}
        if topic
        else {}
    )
    ticket = ticket_services.ticket_create(
        by=by,
        channel=Channel.PROACTIVE,
        # proactive work is a report of a problem where the category takes one, else a complaint
        demand_type=next(
            (
                t
                for t in (DemandType.REPORT, DemandType.COMPLAINT, DemandType.HELP)
                if t in category.demand_types
            ),
            (category.demand_types or [DemandType.COMPLAINT])[0],
        ),
        category=category,
        region=region,
        content=content,
    ).ticket
    if source:
        ticket_services.ticket_event_add(
            ticket=ticket, by=by, kind=EventKind.NOTE, note=source["title"], payload={"source": source}
        )
    ticket = ticket_services.ticket_dispatch(
        ticket=ticket,
        by=by,
        lead_unit=lead_unit,
        note=_("Proactive governance"),
        payload={"proactive": source},
    )
    if warning is not None and warning.status == WarningStatus.OPEN:
        warning_handle(
            warning=warning,
            by=by,
            close=False,
            note=_("Proactive ticket %(number)s") % {"number": ticket.number},
        )
    return ticket
