from django.core.management.base import BaseCommand

from dispatch.directory.loaders import categories_load


class Command(BaseCommand):
    help = "Load the 3-level category tree and the dispatch catalog seeded beside it (idempotent)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        stats = categories_load(progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"categories loaded — {stats.summary()}"))
