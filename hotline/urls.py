"""The desk pages (the API lives in config/api_router.py)."""

from django.urls import path

from . import dispatcher, views

app_name = "desk"

urlpatterns = [
    path("intake/", views.intake_desk, name="intake"),
    path("inbox/", views.inbox, name="inbox"),
    path("dispatch/", dispatcher.dispatch_desk, name="dispatch"),
    path("dispatch/<int:pk>/take/", dispatcher.dispatch_take, name="dispatch-take"),
    path("dispatch/<int:pk>/transfer/", dispatcher.dispatch_transfer, name="dispatch-transfer"),
    path("dispatch/<int:pk>/return/", dispatcher.return_decide, name="return-decide"),
    path("tickets/<int:pk>/part/", views.part_file, name="part"),
    path("tickets/<int:pk>/first-contact/", views.first_contact, name="first-contact"),
    path("supervision/", views.supervision, name="supervision"),
    path("tickets/<int:pk>/", views.ticket_page, name="ticket"),
    path("tickets/<int:pk>/act/<str:name>/", views.ticket_action, name="action"),
    path("tickets/<int:pk>/extension/", views.extension_request, name="extension"),
    path("tickets/<int:pk>/note/", views.ticket_note, name="note"),
    path("summons/<int:pk>/report/", views.summons_report, name="report"),
]
