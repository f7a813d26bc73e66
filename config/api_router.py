"""Every REST endpoint of /api/v1/ is registered here, so the whole API is visible in one file.

The ticket endpoint is composed from the apps that own its parts: reads and lifecycle actions
(``orders``), dispatch and whistle actions (``dispatch``), intake (``hotline``), callback — which
closes and reopens — (``evaluation``). Composing here keeps
the import direction of DESIGN §2: ``orders`` knows nothing of the apps above it.
"""

from django.urls import path
from rest_framework.routers import DefaultRouter

from dispatch.api.ticket_actions import TicketDispatchActions
from dispatch.api.views import (
    AddressResolveView,
    AutoDispatchFailureViewSet,
    CatalogEntryViewSet,
    CategoryViewSet,
    RegionViewSet,
    UnitViewSet,
    WhistleSummonsViewSet,
)
from evaluation.api.insight import InsightViewSet, MonthlyTopicViewSet, ProactiveView
from evaluation.api.views import (
    AppealViewSet,
    CallbackQueueViewSet,
    CallbackViewSet,
    EarlyWarningViewSet,
    ScoreViewSet,
    TicketCallbackActions,
)
from hotline.api.views import (
    AnswerFromArticleAction,
    ArticleViewSet,
    CallerFlagViewSet,
    CallerLookupView,
    DuplicatesView,
    RoutePreviewView,
    SensitiveCheckView,
    TicketIntakeMixin,
)
from orders.api.views import NoticeViewSet
from orders.api.views import TicketViewSet as OrdersTicketViewSet


class TicketViewSet(
    TicketIntakeMixin,
    AnswerFromArticleAction,
    TicketCallbackActions,
    TicketDispatchActions,
    OrdersTicketViewSet,
):
    """工单: intake, reads, and one POST action per transition."""


router = DefaultRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("regions", RegionViewSet, basename="region")
router.register("units", UnitViewSet, basename="unit")
router.register("categories", CategoryViewSet, basename="category")
router.register("catalog", CatalogEntryViewSet, basename="catalog-entry")
router.register("dispatch/auto-failures", AutoDispatchFailureViewSet, basename="auto-dispatch-failure")
router.register("whistle-summons", WhistleSummonsViewSet, basename="whistle-summons")
router.register("notices", NoticeViewSet, basename="notice")
router.register("callers/flags", CallerFlagViewSet, basename="caller-flag")
router.register("knowledge", ArticleViewSet, basename="article")
router.register("callback-queue", CallbackQueueViewSet, basename="callback-queue")
router.register("callbacks", CallbackViewSet, basename="callback")
router.register("appeals", AppealViewSet, basename="appeal")
router.register("assessment/scores", ScoreViewSet, basename="score")
router.register("insight/warnings", EarlyWarningViewSet, basename="warning")
router.register("insight/topics", MonthlyTopicViewSet, basename="topic")
router.register("insight", InsightViewSet, basename="insight")

urlpatterns = [
    path("addresses/resolve/", AddressResolveView.as_view(), name="address-resolve"),
    path("callers/lookup/", CallerLookupView.as_view(), name="caller-lookup"),
    path("intake/duplicates/", DuplicatesView.as_view(), name="intake-duplicates"),
    path("intake/sensitive/", SensitiveCheckView.as_view(), name="intake-sensitive"),
    path("intake/route/", RoutePreviewView.as_view(), name="intake-route"),
    path("insight/proactive/", ProactiveView.as_view(), name="insight-proactive"),
    *router.urls,
]
