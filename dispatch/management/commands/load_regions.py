from django.core.management.base import BaseCommand

from dispatch.directory.loaders import regions_load


class Command(BaseCommand):
    help = (
        "Load the jurisdiction's districts, streets/townships, functional zones and communities (idempotent)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--without-communities", action="store_true", help="Skip the 7,535 communities.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        stats = regions_load(progress=self.stdout.write, with_communities=not options["without_communities"])
        self.stdout.write(self.style.SUCCESS(f"regions loaded — {stats.summary()}"))
