"""Evaluation's routes: callback on tickets, the queue, appeals, assessment, insight."""

from django.urls import path

from .insight import InsightViewSet, MonthlyTopicViewSet, ProactiveView
from .views import (
    AppealViewSet,
    CallbackQueueViewSet,
    CallbackViewSet,
    EarlyWarningViewSet,
    ExemptionRequestViewSet,
    ScoreViewSet,
    TicketCallbackViewSet,
)

ROUTES = [
    ("tickets", TicketCallbackViewSet, "ticket-callback"),
    ("callback-queue", CallbackQueueViewSet, "callback-queue"),
    ("callbacks", CallbackViewSet, "callback"),
    ("appeals", AppealViewSet, "appeal"),
    ("exemption-requests", ExemptionRequestViewSet, "exemption-request"),
    ("assessment/scores", ScoreViewSet, "score"),
    ("insight/warnings", EarlyWarningViewSet, "warning"),
    ("insight/topics", MonthlyTopicViewSet, "topic"),
    ("insight", InsightViewSet, "insight"),
]
urlpatterns = [path("insight/proactive/", ProactiveView.as_view(), name="insight-proactive")]
