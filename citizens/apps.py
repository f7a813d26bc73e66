from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    """What the citizen sees of their demand: the progress page and the messages they are sent."""

    name = "citizens"
    verbose_name = _("Citizens")

    def ready(self) -> None:
        from orders.event_listeners import event_listener_register

        from .services import outbox_fill

        event_listener_register(outbox_fill)
