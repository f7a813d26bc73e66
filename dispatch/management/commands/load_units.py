from django.core.management.base import BaseCommand

from dispatch.directory.loaders import units_load


class Command(BaseCommand):
    help = (
        "Create or update the handling units: street offices, district governments and departments, "
        "municipal departments, enterprises and the hotline centre (idempotent)."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        stats = units_load(progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"units loaded — {stats.summary()}"))
