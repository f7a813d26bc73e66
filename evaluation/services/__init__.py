"""Writers of evaluation, one module per intent: callbacks (回访), appeals (申诉), period scores (考评),
early warnings, 每月一题 and proactive work, reports. Reads of the assessment are in
``evaluation.selectors``; the scoring math in ``evaluation.scoring``."""

from .appeals import appeal_decide, appeal_file
from .assessment import GROUPS, period_scores_compute, periods_compute_due
from .callbacks import callback_record
from .exemptions import exemption_decide, exemption_request
from .freshness import periods_mark_stale, scores_refresh_due
from .reports import report_build, reports_build_due
from .topics import proactive_ticket_create, topic_adopt
from .verification import ticket_verify
from .warnings import warning_handle, warnings_scan

__all__ = [
    "GROUPS",
    "appeal_decide",
    "appeal_file",
    "callback_record",
    "exemption_decide",
    "exemption_request",
    "period_scores_compute",
    "periods_compute_due",
    "periods_mark_stale",
    "proactive_ticket_create",
    "report_build",
    "reports_build_due",
    "scores_refresh_due",
    "ticket_verify",
    "topic_adopt",
    "warning_handle",
    "warnings_scan",
]
