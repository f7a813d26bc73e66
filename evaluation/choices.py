"""Choices of callback, appeals and assessment."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Satisfaction(models.TextChoices):
    """满意度 as asked at callback."""

    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASIC = "basic", _("Basically satisfied")  # 基本满意
    UNSATISFIED = "unsatisfied", _("Unsatisfied")  # 不满意


class Resolution(models.TextChoices):
    """是否解决 as asked at callback."""

    RESOLVED = "resolved", _("Resolved")  # 已解决
    BASIC = "basic", _("Basically resolved")  # 基本解决
    UNRESOLVED = "unresolved", _("Unresolved")  # 未解决


class ExemptionReason(models.TextChoices):
    """不纳入考评的理由 (asked at intake or dispatch, decided by an assessor)."""

    UNREASONABLE = "unreasonable", _("Unreasonable demand")  # 不合理诉求
    BEYOND_POLICY = "beyond_policy", _("Beyond current policy or law")  # 超出政策法规
    HISTORICAL = "historical", _("Historical problem beyond the unit")  # 历史遗留问题
    FORCE_MAJEURE = "force_majeure", _("Force majeure")  # 不可抗力
    OTHER = "other", _("Other")  # 其他


class CallbackOutcome(models.TextChoices):
    """What a callback round ended in."""

    CLOSED = "closed", _("Closed")  # 回访后办结
    REOPENED = "reopened", _("Sent back for rework")  # 重办
    VERIFIED = "verified", _("Verified by a supervisor")  # 主动治理：督办核实（无来电人，不计三率）
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
    """The state of a request an assessor decides: an appeal, an exemption request."""

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
    QUARTERLY = "quarterly", _("Quarterly")  # 季报
    ANNUAL = "annual", _("Annual")  # 年报


class EvaluationEventKind(models.TextChoices):
    """Events evaluation records on a ticket (registered with ``orders.event_kinds``)."""

    CALLBACK_ATTEMPT = "callback_attempt", _("Callback attempt")  # 回访（未接通等）
    APPEAL = "appeal", _("Appeal filed")  # 申诉
    APPEAL_DECISION = "appeal_decision", _("Appeal decided")  # 申诉审核
    EXEMPTION_REQUEST = "exemption_request", _("Exemption from assessment requested")  # 申请不纳入考评
    EXEMPTION_DECISION = "exemption_decision", _("Exemption decided")  # 不纳入考评审核
    VERIFICATION = "verification", _("Proactive work verified")  # 主动治理核实
    CONTRADICTION = "contradiction", _("Callback contradicts the unit's record")  # 回访与记录矛盾
