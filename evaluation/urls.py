"""考评 pages (the API lives in config/api_router.py)."""

from django.urls import path

from . import review_views, views

app_name = "assessment"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("map/", views.district_map, name="map"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("reviews/", review_views.reviews, name="reviews"),
    path("reviews/appeals/<int:pk>/", review_views.appeal_decision, name="appeal-decision"),
    path("reviews/exemptions/<int:pk>/", review_views.exemption_decision, name="exemption-decision"),
    path("schemes/", review_views.schemes, name="schemes"),
    path("exemptions/request/<int:ticket>/", review_views.exemption_request, name="exemption-request"),
]
