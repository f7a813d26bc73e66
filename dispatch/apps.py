from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    """The directory (regions, units, memberships, categories, the dispatch catalog) and routing."""

    name = "dispatch"
    verbose_name = _("Directory and dispatch")
