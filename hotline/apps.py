from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    """Intake (接诉): channels, callers, the knowledge base, duplicate detection, the agent's desk."""

    name = "hotline"
    verbose_name = _("Hotline intake")
