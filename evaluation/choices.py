"""Choices of callback, appeals and assessment."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Satisfaction(models.TextChoices):
    """满意度 as asked at callback."""

    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASIC = "basic", _("Basically satisfied")  # 基本满意
    UNSATISFIED = "unsatisfied", _("Unsatisfied")  # 不满意


class CallbackOutcome(models.TextChoices):
    """What a callback round ended in."""

    CLOSED = "closed", _("Closed")  # 回访后办结
    REOPENED = "reopened", _("Sent back for rework")  # 重办
    UNREACHABLE = "unreachable", _("Closed: caller unreachable")  # 多次联系不上，无效回访
    INHERITED = "inherited", _("Shares the parent ticket's outcome")  # 并单子单随主单


class AppealReason(models.TextChoices):
    """申诉理由."""

    UNREASONABLE = "unreasonable", _("Unreasonable demand")  # 不合理诉求
    UNCOOPERATIVE = "uncooperative", _("Caller did not cooperate")  # 诉求人不配合
    NOT_OUR_DUTY = "not_our_duty", _("Not our unit's duty")  # 非本单位职责
    FALSE_CALLBACK = "false_callback", _("Callback record is wrong")  # 回访失实
    OTHER = "other", _("Other")  # 其他


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # 待审核
    APPROVED = "approved", _("Approved")  # 申诉成立
    DENIED = "denied", _("Denied")  # 申诉不成立


class WarningKind(models.TextChoices):
    """预警类型."""

    SURGE = "surge", _("Surge")  # 激增
    CLUSTER = "cluster", _("Cluster")  # 聚集
    REPEAT_CALLER = "repeat_caller", _("Caller repeatedly unresolved")  # 重复未解决
    SENSITIVE = "sensitive", _("Sensitive content")  # 敏感信息


class WarningStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class ReportKind(models.TextChoices):
    DAILY = "daily", _("Daily")  # 日报
    WEEKLY = "weekly", _("Weekly")  # 周报
    MONTHLY = "monthly", _("Monthly")  # 月报


class EvaluationEventKind(models.TextChoices):
    """Events evaluation records on a ticket (registered with ``orders.event_kinds``)."""

    CALLBACK_ATTEMPT = "callback_attempt", _("Callback attempt")  # 回访（未接通等）
    APPEAL = "appeal", _("Appeal filed")  # 申诉
    APPEAL_DECISION = "appeal_decision", _("Appeal decided")  # 申诉审核
