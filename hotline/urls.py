"""The desk pages (the API lives in config/api_router.py)."""

from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("intake/", views.intake_desk, name="intake"),
    path("inbox/", views.inbox, name="inbox"),
    path("supervision/", views.supervision, name="supervision"),
    path("tickets/<int:pk>/", views.ticket_page, name="ticket"),
    path("tickets/<int:pk>/act/<str:name>/", views.ticket_action, name="action"),
    path("tickets/<int:pk>/extension/", views.extension_request, name="extension"),
    path("tickets/<int:pk>/note/", views.ticket_note, name="note"),
    path("summons/<int:pk>/report/", views.summons_report, name="report"),
]
