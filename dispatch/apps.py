from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    """The directory (regions, units, memberships, categories, the dispatch catalog) and routing."""

    name = "dispatch"
    verbose_name = _("Directory and dispatch")

    def ready(self) -> None:
        # Dispatch sits above orders (DESIGN §2); it plugs its whistles into the lifecycle through
        # the hooks orders offers, so orders never imports dispatch's services.
        from dispatch.selectors import summoned_tickets_q
        from dispatch.services import whistles_close_on_reply
        from orders import selectors, services

        if whistles_close_on_reply not in services.reply_hooks:
            services.reply_hooks.append(whistles_close_on_reply)
        if summoned_tickets_q not in selectors.extra_visibility:
            selectors.extra_visibility.append(summoned_tickets_q)
