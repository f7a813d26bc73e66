from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load all reference data: regions, units, categories, catalog, working-day calendar (idempotent)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--without-communities", action="store_true")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        call_command("load_regions", without_communities=options["without_communities"], stdout=self.stdout)
        call_command("load_units", stdout=self.stdout)
        call_command("load_categories", stdout=self.stdout)
        call_command("load_calendar", stdout=self.stdout)
