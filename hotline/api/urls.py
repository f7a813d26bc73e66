"""Intake's routes: the ticket collection (受理 and the reads), the desk's aids, the knowledge base."""

from django.urls import path

from .views import (
    ArticleViewSet,
    CallerFlagViewSet,
    CallerLookupView,
    DuplicatesView,
    RoutePreviewView,
    SensitiveCheckView,
    TicketViewSet,
)

ROUTES = [
    ("tickets", TicketViewSet, "ticket"),
    ("callers/flags", CallerFlagViewSet, "caller-flag"),
    ("knowledge", ArticleViewSet, "article"),
]
urlpatterns = [
    path("callers/lookup/", CallerLookupView.as_view(), name="caller-lookup"),
    path("intake/duplicates/", DuplicatesView.as_view(), name="intake-duplicates"),
    path("intake/sensitive/", SensitiveCheckView.as_view(), name="intake-sensitive"),
    path("intake/route/", RoutePreviewView.as_view(), name="intake-route"),
]
