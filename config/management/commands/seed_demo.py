from django.conf import settings
from django.core.management.base import BaseCommand

from config.demo import demo_users_load


class Command(BaseCommand):
    help = "Create the demo users of every role (idempotent). Reference data must be loaded first."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        users = demo_users_load()
        self.stdout.write(
            self.style.SUCCESS(f"demo users: admin + {len(users)} (password {settings.DEMO_PASSWORD!r})")
        )
