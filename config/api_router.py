"""Every REST endpoint of /api/v1/ is registered here, so the whole API is visible in one file.

The ticket endpoint is composed from the apps that own its parts: reads and lifecycle actions
(``orders``), dispatch and whistle actions (``dispatch``), intake (``hotline``). Composing here keeps
the import direction of DESIGN §2: ``orders`` knows nothing of the apps above it.
"""

from django.urls import path
from rest_framework.routers import DefaultRouter

from dispatch.api.ticket_actions import TicketDispatchActions
from dispatch.api.views import (
    AddressResolveView,
    CatalogEntryViewSet,
    CategoryViewSet,
    RegionViewSet,
    UnitViewSet,
    WhistleSummonsViewSet,
)
from hotline.api.views import TicketIntakeMixin
from orders.api.views import NoticeViewSet
from orders.api.views import TicketViewSet as OrdersTicketViewSet


class TicketViewSet(TicketIntakeMixin, TicketDispatchActions, OrdersTicketViewSet):
    """工单: intake, reads, and one POST action per transition."""


router = DefaultRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("regions", RegionViewSet, basename="region")
router.register("units", UnitViewSet, basename="unit")
router.register("categories", CategoryViewSet, basename="category")
router.register("catalog", CatalogEntryViewSet, basename="catalog-entry")
router.register("whistle-summons", WhistleSummonsViewSet, basename="whistle-summons")
router.register("notices", NoticeViewSet, basename="notice")

urlpatterns = [
    path("addresses/resolve/", AddressResolveView.as_view(), name="address-resolve"),
    *router.urls,
]
