from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    """Open311 GeoReport v2: other systems file and follow requests (a city app, a partner platform)."""

    name = "open311"
    verbose_name = _("Open311 GeoReport v2")

    def ready(self) -> None:
        from orders.event_kinds import event_kinds_register

        from .choices import Open311EventKind

        event_kinds_register(Open311EventKind)
