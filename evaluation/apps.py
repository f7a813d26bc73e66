from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """Callback (回访), appeals (申诉), assessment (考评) and insight."""

    name = "evaluation"
    verbose_name = _("Callback and assessment")

    def ready(self) -> None:
        from orders.event_kinds import event_kinds_register

        from . import action_forms  # noqa: F401  (registers close/reopen on the ticket pages)
        from .choices import EvaluationEventKind

        event_kinds_register(EvaluationEventKind)
