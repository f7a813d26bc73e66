"""Dispatch's routes: the directory's reference data, dispatch actions on tickets, whistles."""

from django.urls import path

from .tickets import TicketDispatchViewSet
from .views import (
    AddressResolveView,
    AutoDispatchFailureViewSet,
    CatalogEntryViewSet,
    CategoryViewSet,
    RegionViewSet,
    UnitViewSet,
    WhistleSummonsViewSet,
)

ROUTES = [
    ("tickets", TicketDispatchViewSet, "ticket-dispatch"),
    ("regions", RegionViewSet, "region"),
    ("units", UnitViewSet, "unit"),
    ("categories", CategoryViewSet, "category"),
    ("catalog", CatalogEntryViewSet, "catalog-entry"),
    ("whistle-summons", WhistleSummonsViewSet, "whistle-summons"),
    ("dispatch/auto-failures", AutoDispatchFailureViewSet, "auto-dispatch-failure"),
]
urlpatterns = [path("addresses/resolve/", AddressResolveView.as_view(), name="address-resolve")]
