"""Insight pages (以数感知、循数决策)."""

from django.urls import path

from . import insight_views

app_name = "insight"

urlpatterns = [
    path("", insight_views.dashboard, name="dashboard"),
    path("tickets/", insight_views.tickets_page, name="tickets"),
    path("warnings/", insight_views.warnings_page, name="warnings"),
    path("reports/", insight_views.reports_page, name="reports"),
    path("reports/<int:pk>/", insight_views.report_page, name="report"),
    path("warnings/<int:pk>/<str:action>/", insight_views.warning_handle, name="warning-handle"),
]
