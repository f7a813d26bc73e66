"""The callback queue pages (回访)."""

from django.urls import path

from . import callback_views, review_views

app_name = "callbacks"

urlpatterns = [
    path("", callback_views.queue, name="queue"),
    path("<int:pk>/", callback_views.call, name="call"),
    path("verify/", review_views.verification_queue, name="verify"),
]
