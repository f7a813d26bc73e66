from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_last_app(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # post_migrate is sent once per app that has models, in INSTALLED_APPS order; permissions
    # are created by the same signal. Once the last such app is through, all permissions exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if with_models and sender is with_models[-1]:
        from .roles import roles_sync

        roles_sync(using=using)


class ProjectConfig(AppConfig):
    """Project-wide wiring: role groups, the run command and the demo loader."""

    name = "config"
    verbose_name = _("Project")

    def ready(self) -> None:
        # Cross-cutting and idempotent, like Django's own permission creation: after every
        # migrate, each role group gets exactly its permissions.
        post_migrate.connect(_sync_roles_after_last_app, dispatch_uid="config.roles_sync")
