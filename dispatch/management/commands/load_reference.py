import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dispatch.directory.jurisdiction import jurisdiction, profiles
from dispatch.directory.models import Region
from orders.sla import policy_load_from_profile


def city_select(code: str) -> str:
    """Point this process at the profile of the city with 民政部 code ``code`` (330100 → hangzhou)."""
    known = profiles()
    if code not in known:
        listed = ", ".join(f"{c} ({k})" for c, k in sorted(known.items()))
        raise CommandError(f"no profile for city {code}; profiles: {listed}")
    settings.JURISDICTION = known[code]
    os.environ["JURISDICTION"] = known[code]
    return known[code]


class Command(BaseCommand):
    help = (
        "Load all reference data of the city (regions, units, categories, catalog, working-day calendar, "
        "the city's own deadlines if its profile has them). Idempotent. --city CODE picks the profile "
        "(110000 Beijing by default, 330100 Hangzhou); the site must then run with the same JURISDICTION."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--without-communities", action="store_true")
        parser.add_argument("--city", help="民政部 code of the city (e.g. 330100 for 杭州市)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["city"]:
            city_select(options["city"])
        city = jurisdiction()
        other = Region.objects.filter(level="city").exclude(code=city.code).first()
        if other is not None:
            raise CommandError(
                f"this database holds {other.name} ({other.code}); "
                f"load {city.name} into a database of its own"
            )
        self.stdout.write(f"city: {city.name} ({city.code}, profile {city.key})")
        call_command("load_regions", without_communities=options["without_communities"], stdout=self.stdout)
        call_command("load_units", stdout=self.stdout)
        call_command("load_categories", stdout=self.stdout)
        call_command("load_calendar", stdout=self.stdout)
        policy = policy_load_from_profile()
        if policy is not None:
            self.stdout.write(f"deadlines: {policy.name}")
