"""考评 pages (the API lives in config/api_router.py)."""

from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("map/", views.district_map, name="map"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
]
