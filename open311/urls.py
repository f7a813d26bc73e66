"""Open311 GeoReport v2 under /open311/v2/."""

from django.urls import path, re_path

from . import views

app_name = "open311"

FMT = r"\.(?P<fmt>[a-z]+)$"

urlpatterns = [
    path("", views.root, name="root"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[0-9A-Za-z_-]{1,16})" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests_view, name="requests"),
    re_path(r"^requests/(?P<number>[0-9A-Za-z_-]{1,32})" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[0-9A-Za-z_-]{1,64})" + FMT, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.updates_view, name="updates"),
]
