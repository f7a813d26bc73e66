"""Intake (接诉): the agent-facing services. They call the lifecycle and dispatch services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dispatch.directory.choices import UnitKind
from dispatch.directory.models import Category, Unit
from dispatch.tasks import auto_dispatch_task
from orders import clock
from orders import services as ticket_services
from orders.exceptions import Conflict
from orders.hints import hint_after_commit
from orders.models import Caller, Ticket
from orders.services import CreatedTicket, ticket_create

from . import selectors, sensitive
from .choices import CallerFlagStatus
from .models import Article, ArticleVersion, CallerFlag


@transaction.atomic
def intake_ticket_create(*, by: User, **fields: Any) -> CreatedTicket:
    """Log a demand as a ticket (受理). Sensitive words raise its urgency and alert the hotline
    centre's supervisors; tickets of auto-dispatch categories are dispatched after commit."""
    outcome = ticket_create(by=by, **fields)
    if not outcome.created:
        return outcome
    ticket = outcome.ticket
    rules = selectors.sensitive_rules()
    hits = sensitive.find(ticket.content, rules)
    if hits:
        ticket = ticket_services.ticket_sensitive_mark(
            ticket=ticket,
            by=by,
            urgency=sensitive.raised_urgency(ticket.urgency, hits, rules),
            hits=[{"kind": h.kind, "text": h.text, "start": h.start, "end": h.end} for h in hits],
            alert_unit_id=Unit.objects.filter(kind=UnitKind.HOTLINE_CENTRE)
            .values_list("pk", flat=True)
            .first(),
        )
        outcome = CreatedTicket(ticket=ticket, created=True)
    if ticket.category.auto_dispatch:
        hint_after_commit(auto_dispatch_task, ticket.pk)
    return outcome


# ----------------------------------------------------------------------------------- callers

FLAG_MAX_DAYS = 365


@transaction.atomic
def caller_flag_request(*, caller: Caller, by: User, reason: str, days: int) -> CallerFlag:
    """恶意来电标记: an agent proposes a flag with a reason and how long it should last."""
    if not by.has_perm("orders.view_caller_contact"):
        raise PermissionDenied(_("Your role may not do this."))
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why this caller is abusive.")
    if not 1 <= days <= FLAG_MAX_DAYS:
        errors["days"] = _("A flag lasts from 1 to %(max)d days.") % {"max": FLAG_MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    Caller.objects.select_for_update().get(pk=caller.pk)
    if CallerFlag.objects.filter(caller=caller, status=CallerFlagStatus.PENDING).exists():
        raise Conflict(
            _("A flag for this caller is already waiting for review."),
            code="flag_pending",
            subject="caller_flag",
        )
    now = clock.now()
    return CallerFlag.objects.create(
        caller=caller,
        reason=reason.strip(),
        requested_by=by,
        requested_at=now,
        expires_at=now + dt.timedelta(days=days),
    )


@transaction.atomic
def caller_flag_review(*, flag: CallerFlag | int, by: User, approve: bool, note: str = "") -> CallerFlag:
    """A reviewer (not the agent who asked) approves or rejects a flag."""
    pk = flag.pk if isinstance(flag, CallerFlag) else flag
    flag = CallerFlag.objects.select_for_update().get(pk=pk)
    if not by.has_perm("hotline.review_callerflag"):
        raise PermissionDenied(_("Your role may not review caller flags."))
    if flag.requested_by_id == by.pk:
        raise PermissionDenied(_("Someone other than the agent who asked reviews the flag."))
    if flag.status != CallerFlagStatus.PENDING:
        raise Conflict(_("This flag has been reviewed."), code="flag_reviewed", subject="caller_flag")
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the flag is rejected.")})
    flag.status = CallerFlagStatus.APPROVED if approve else CallerFlagStatus.REJECTED
    flag.reviewed_by, flag.reviewed_at, flag.review_note = by, clock.now(), note.strip()
    flag.save()
    return flag


# ------------------------------------------------------------------------------ knowledge base


@transaction.atomic
def article_save(
    *,
    by: User,
    title: str,
    body: str,
    owner_unit: Unit,
    review_by: dt.date,
    category: Category | None = None,
    is_published: bool = True,
    article: Article | None = None,
) -> Article:
    """Create an article or edit one; every save is a new version, kept."""
    if not by.has_perm("hotline.change_article" if article else "hotline.add_article"):
        raise PermissionDenied(_("Your role may not edit the knowledge base."))
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the article a title.")
    if not body.strip():
        errors["body"] = _("Write the answer.")
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    if article is None:
        article = Article(version=1)
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
        article.version += 1
    article.title, article.body, article.category = title.strip(), body.strip(), category
    article.owner_unit, article.review_by, article.is_published = owner_unit, review_by, is_published
    article.updated_at, article.updated_by = now, by
    article.save()
    ArticleVersion.objects.create(
        article=article,
        version=article.version,
        title=article.title,
        body=article.body,
        edited_by=by,
        edited_at=now,
    )
    return article


@transaction.atomic
def ticket_answer_from_article(*, ticket: Ticket | int, by: User, article: Article, note: str = "") -> Ticket:
    """直接答复 from the knowledge base: the answer is the article's; the event records which version."""
    if not article.is_published:
        raise ValidationError({"article": _("This article is not published.")})
    answer = article.body if not note.strip() else f"{article.body}\n\n{note.strip()}"
    return ticket_services.ticket_answer(
        ticket=ticket,
        by=by,
        answer=answer,
        payload={"article": article.pk, "version": article.version, "title": article.title},
    )
