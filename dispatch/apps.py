from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    """The directory (``dispatch.directory``: regions, units, memberships, categories, the catalog)
    and dispatch's processes above the tickets: routing, returns, whistles (吹哨报到)."""

    name = "dispatch"
    verbose_name = _("Directory and dispatch")

    def ready(self) -> None:
        from orders.event_kinds import event_kinds_register

        from . import action_forms  # noqa: F401  (registers dispatch's actions on the ticket pages)
        from .choices import DispatchEventKind

        event_kinds_register(DispatchEventKind)
