from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orders.holiday_notice import NoticeError
from orders.services.calendar import provisional_deadlines_recompute
from orders.sla import calendar_load_from_package, calendar_provisional_ensure, calendar_year_import


class Command(BaseCommand):
    help = (
        "Load the working-day calendar: every year the chinesecalendar package carries (2004–2026) and a "
        "provisional schedule from the statutory rules for this year and next where no notice is loaded; "
        "or, with --notice FILE, one year from the text of the State Council holiday notice, recomputing "
        "the deadlines that rested on that year's provisional days. Idempotent."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--notice", help="a file with the notice's text (国务院办公厅关于YYYY年部分节假日安排的通知)"
        )
        parser.add_argument("--year", type=int, help="the notice's year, if its text does not say")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["notice"]:
            try:
                year, off, worked = calendar_year_import(
                    notice_text=Path(options["notice"]).read_text(encoding="utf-8"), year=options["year"]
                )
            except NoticeError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                self.style.SUCCESS(f"calendar {year}: {off} days off, {worked} weekends worked")
            )
            counts = provisional_deadlines_recompute(year=year)
            self.stdout.write(
                f"deadlines recomputed: {counts['moved']} moved ({counts['earlier']} earlier), "
                f"{counts['confirmed']} unchanged and now official"
            )
            return
        counts = calendar_load_from_package()
        if counts:
            years, days = f"{min(counts)}–{max(counts)}", sum(counts.values())
            self.stdout.write(
                self.style.SUCCESS(f"calendar: {len(counts)} years ({years}), {days} exception days")
            )
        today = timezone.localdate()
        provisional = calendar_provisional_ensure(years=[today.year, today.year + 1])
        if provisional:
            self.stdout.write(
                "provisional (statutory rules, until the notice is imported): "
                + ", ".join(map(str, provisional))
            )
