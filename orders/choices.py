"""Choices of the work-order lifecycle. Values are stable identifiers; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketState(models.TextChoices):
    """The state says who holds the ball (DESIGN §3)."""

    RECEIVED = "received", _("Received")  # 已受理: logged, waiting for dispatch
    ANSWERED = "answered", _("Answered directly")  # 直接答复: closed at intake; terminal
    REJECTED = "rejected", _("Not accepted")  # 不予受理: out of scope; terminal
    MERGED = "merged", _("Merged")  # 已并单: duplicate of a parent; terminal
    DISPATCHED = "dispatched", _("Dispatched")  # 已派单: waiting for the lead unit to sign
    ACCEPTED = "accepted", _("In progress")  # 办理中: signed; the handling clock runs
    ESCALATED = "escalated", _("Whistle blown")  # 吹哨中: summoned departments must report
    RETURN_REQUESTED = "return_requested", _("Return requested")  # 退单审核: the hotline decides
    HANDLED = "handled", _("Handled")  # 已反馈: result submitted, waiting for callback
    CLOSED = "closed", _("Closed")  # 已办结: callback recorded


TERMINAL_STATES = (TicketState.ANSWERED, TicketState.REJECTED, TicketState.MERGED, TicketState.CLOSED)
OPEN_STATES = tuple(s for s in TicketState if s not in TERMINAL_STATES)
# States in which a unit holds the ticket (its deadlines run).
UNIT_STATES = (
    TicketState.DISPATCHED,
    TicketState.ACCEPTED,
    TicketState.ESCALATED,
    TicketState.RETURN_REQUESTED,
)


class Channel(models.TextChoices):
    """受理渠道."""

    PHONE = "phone", _("12345 phone")  # 12345 电话
    WEB = "web", _("Website")  # 12345 网站
    APP = "app", _("Mobile app")  # 城市政务 App
    WECHAT = "wechat", _("WeChat")  # 微信公众号/小程序
    WEIBO = "weibo", _("Weibo")  # 微博
    LEADERS_BOARD = "leaders_board", _("Leaders' message board")  # 人民网领导留言板
    ENTERPRISE_LINE = "enterprise_line", _("Enterprise service line")  # 12345 企业服务热线
    MERGED_HOTLINE = "merged_hotline", _("Merged hotline")  # 并入的 12315、12320 等
    EMERGENCY_TRANSFER = "emergency_transfer", _("Transfer from 110/119/120/122")  # 紧急热线转来
    NPC_CPPCC = "npc_cppcc", _("NPC deputy / CPPCC member referral")  # 人大代表、政协委员转办
    MEDIA = "media", _("Media report")  # 媒体曝光
    PROACTIVE = "proactive", _("Proactive governance")  # 主动治理、未诉先办


# Channels without a caller to call back (a unit or the platform raised the matter itself).
CHANNELS_WITHOUT_CALLER = (Channel.PROACTIVE, Channel.MEDIA)


class RejectReason(models.TextChoices):
    """不予受理的原因 (national 2025 classified handling)."""

    EMERGENCY = "emergency", _("Emergency: transferred to 110/119/120/122")  # 转紧急热线
    STATUTORY_ROUTE = "statutory_route", _("Belongs to a statutory route (litigation, arbitration, petition)")
    OUT_OF_JURISDICTION = "out_of_jurisdiction", _("Outside the city's jurisdiction")  # 非本市管辖
    UNLAWFUL = "unlawful", _("Unlawful request or others' privacy")  # 违法诉求或涉及他人隐私
    ABUSIVE = "abusive", _("Malicious or abusive call")  # 恶意骚扰
    NO_DEMAND = "no_demand", _("No actual demand")  # 无实质诉求


class ReturnReason(models.TextChoices):
    """退单原因."""

    LOCALITY = "locality", _("Wrong locality")  # 属地不符
    FUNCTION = "function", _("Not our function")  # 职能不符
    OWNERSHIP_UNCLEAR = "ownership_unclear", _("Ownership unclear")  # 权属不清
    DUPLICATE = "duplicate", _("Duplicate dispatch")  # 重复派单
    OTHER = "other", _("Other")  # 其他


class ReturnDecision(models.TextChoices):
    PENDING = "pending", _("Pending")  # 待审核
    APPROVED = "approved", _("Approved")  # 同意退单
    DENIED = "denied", _("Denied")  # 驳回退单


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")  # 主办
    ASSIST = "assist", _("Assist")  # 协办
    SUMMONED = "summoned", _("Summoned by a whistle")  # 吹哨报到：被召集的部门


class AssignmentEnd(models.TextChoices):
    """Why a unit stopped holding a ticket."""

    RETURNED = "returned", _("Return approved")  # 退单成功
    REASSIGNED = "reassigned", _("Reassigned")  # 改派
    MERGED = "merged", _("Merged")  # 并单
    CLOSED = "closed", _("Closed")  # 办结
    WHISTLE_ENDED = "whistle_ended", _("Whistle ended")  # 吹哨结束（被召集部门退出）


class EventKind(models.TextChoices):
    """What a TicketEvent records: a transition, or a step that does not change the state."""

    CREATE = "create", _("Created")  # 受理
    DISPATCH = "dispatch", _("Dispatched")  # 派单
    ANSWER = "answer", _("Answered directly")  # 直接答复
    REJECT = "reject", _("Not accepted")  # 不予受理
    MERGE = "merge", _("Merged")  # 并单
    REASSIGN = "reassign", _("Reassigned")  # 改派
    ACCEPT = "accept", _("Signed for")  # 签收
    REQUEST_RETURN = "request_return", _("Return requested")  # 申请退单
    APPROVE_RETURN = "approve_return", _("Return approved")  # 同意退单
    DENY_RETURN = "deny_return", _("Return denied")  # 驳回退单
    WHISTLE = "whistle", _("Whistle blown")  # 吹哨
    END_WHISTLE = "end_whistle", _("Whistle ended")  # 结束吹哨
    REPLY = "reply", _("Result submitted")  # 办理反馈
    CLOSE = "close", _("Closed")  # 办结
    REOPEN = "reopen", _("Reopened for rework")  # 重办
    EXTENSION_REQUEST = "extension_request", _("Extension requested")  # 申请延期
    EXTENSION_APPROVE = "extension_approve", _("Extension approved")  # 同意延期
    EXTENSION_DENY = "extension_deny", _("Extension denied")  # 驳回延期
    DEADLINE = "deadline", _("Deadline step")  # 时限提醒、超期、催办、督办
    DEADLINE_MOVED = "deadline_moved", _("Deadline recomputed")  # 时限重算（节假日安排公布后）
    SENSITIVE = "sensitive", _("Sensitive content")  # 敏感信息预警
    ASSESSMENT_EXEMPT = "assessment_exempt", _("Assessment exemption")  # 不纳入考评（申诉成立等）
    ASSIST_FEEDBACK = "assist_feedback", _("Assisting unit's part")  # 协办单位反馈
    FIRST_CONTACT = "first_contact", _("First contact with the caller")  # 先行联系
    NOTE = "note", _("Note")  # 备注


class LimitUnit(models.TextChoices):
    MINUTES = "minutes", _("Minutes")  # 分钟（自然时间；杭州紧急诉求5分钟签收交办）
    HOURS = "hours", _("Clock hours")  # 小时（自然时间）
    WORKING_DAYS = "working_days", _("Working days")  # 工作日


class ClockStart(models.TextChoices):
    """Which event starts the handling clock (办理时限起算点)."""

    DISPATCH = "dispatch", _("Dispatch")  # 派单起算
    SIGN = "sign", _("Sign-for")  # 签收起算


class DeadlineClock(models.TextChoices):
    """The deadlines the sweep watches."""

    SIGN = "sign", _("Sign-for")  # 签收时限
    HANDLE = "handle", _("Handling")  # 办理时限
    REPORT = "report", _("Whistle report")  # 吹哨报到时限
    ASSIST = "assist", _("Assisting part")  # 协办反馈时限
    CONTACT = "contact", _("First contact")  # 先行联系时限（考评指标，不催办）
    CALLBACK = "callback", _("Callback")  # 回访时限


class DeadlineStep(models.TextChoices):
    """The escalation ladder, each step taken at most once per deadline."""

    WARN = "warn", _("Warning before the deadline")  # 催办提醒（临期）
    OVERDUE = "overdue", _("Overdue")  # 超期
    URGE = "urge", _("Urged")  # 催办
    SUPERVISE = "supervise", _("Escalated to the supervisor")  # 督办


class ExtensionDecision(models.TextChoices):
    PENDING = "pending", _("Pending")  # 待审核
    APPROVED = "approved", _("Approved")  # 已同意
    DENIED = "denied", _("Denied")  # 已驳回


class CalendarSource(models.TextChoices):
    """Where a calendar year's (or day's) schedule comes from."""

    NOTICE = "notice", _("State Council notice")  # 国务院办公厅节假日安排通知（导入）
    PACKAGE = "package", _("Package carrying the notices")  # chinesecalendar 收录的历年通知
    PROVISIONAL = "statutory-provisional", _("Provisional, from the statutory rules")  # 按《放假办法》推算


OFFICIAL_CALENDAR_SOURCES = (CalendarSource.NOTICE, CalendarSource.PACKAGE)
