"""The evaluation app's models, by concern: callbacks and what follows them, assessment, insight."""

from .assessment import AssessmentScheme, PeriodScore, StaleScores
from .callbacks import Appeal, Callback, CallbackAttempt, ExemptionRequest, Verification
from .insight import EarlyWarning, MonthlyTopic, Report

__all__ = [
    "Appeal",
    "AssessmentScheme",
    "Callback",
    "CallbackAttempt",
    "EarlyWarning",
    "ExemptionRequest",
    "MonthlyTopic",
    "PeriodScore",
    "Report",
    "StaleScores",
    "Verification",
]
