"""Choices of dispatch's processes (whistles, auto-dispatch). Values are stable identifiers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WhistleGrade(models.TextChoices):
    """吹哨等级."""

    ROUTINE = "routine", _("Work-progress whistle")  # 工作推进哨
    CRITICAL = "critical", _("Hard-problem whistle")  # 攻坚克难哨


class WhistleStatus(models.TextChoices):
    OPEN = "open", _("Open")  # 吹哨中
    CLOSED = "closed", _("Closed")  # 已结束


class WhistleCloseReason(models.TextChoices):
    ENDED = "ended", _("Ended by the street")  # 街乡结束吹哨
    REPLIED = "replied", _("Ticket replied")  # 工单已反馈


class AutoDispatchFailureReason(models.TextChoices):
    """Why the machine left an auto-dispatch ticket for a dispatcher."""

    NO_ROUTE = "no_route", _("The catalog names no unit")  # 目录无承办单位
    FALLBACK = "fallback", _("Only the fallback unit applies")  # 仅兜底单位，需人工判断
    ERROR = "error", _("Dispatch failed")  # 派单出错


class DispatchEventKind(models.TextChoices):
    """Events dispatch records on a ticket (registered with ``orders.event_kinds``)."""

    WHISTLE_REPORT = "whistle_report", _("Department reported")  # 部门报到
    WHISTLE_RATING = "whistle_rating", _("Department rated")  # 街乡评价部门
