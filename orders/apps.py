from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Tickets (工单) and their lifecycle, assignments, the audit trail and deadlines."""

    name = "orders"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        from .choices import EventKind
        from .event_kinds import event_kinds_register

        event_kinds_register(EventKind)
