from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    """What the citizen sees of their demand: the progress page and the messages they are sent."""

    name = "citizens"
    verbose_name = _("Citizens")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from orders.event_listeners import event_listener_register

        from .models import MessageTemplate
        from .services import outbox_fill, templates_forget

        event_listener_register(outbox_fill)
        # an edit in this process applies at once; in the others within a minute
        post_save.connect(lambda **_kwargs: templates_forget(), sender=MessageTemplate, weak=False)
        post_delete.connect(lambda **_kwargs: templates_forget(), sender=MessageTemplate, weak=False)
