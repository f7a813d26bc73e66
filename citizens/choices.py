from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStep(models.TextChoices):
    """The steps a caller is told about (通知)."""

    RECEIVED = "received", _("Received")  # 受理（含编号）
    DISPATCHED = "dispatched", _("Dispatched")  # 已派单
    HANDLED = "handled", _("Handled")  # 已办理
    REOPENED = "reopened", _("Sent back for rework")  # 重办
    CLOSED = "closed", _("Closed")  # 办结


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")  # 待发送
    RETRYING = "retrying", _("Failed, will retry")  # 发送失败，将重试
    SENT = "sent", _("Sent")  # 已发送
    DEAD = "dead", _("Given up")  # 多次失败，已放弃
    SKIPPED = "skipped", _("Not sent")  # 未发送（来电人已退订等）
