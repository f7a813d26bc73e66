"""Start the whole system on one machine: web, Celery worker and Celery beat.

Migrates, loads the real reference data when the database has none, then runs the three processes
under honcho until Ctrl-C. On the embedded default this is SQLite and a file-based broker under
``var/``; with ``DATABASE_URL``/``CELERY_BROKER_URL`` set it uses those.

Demo users and tickets are created once, on an empty database (no users yet), and only when asked
for (``--demo``) or when ``DEBUG`` is on — never by a production start, and never over a password
someone has changed.
"""

from __future__ import annotations

import os
import sys
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from config.demo.users import demo_users
from dispatch.directory.jurisdiction import jurisdiction, profiles
from dispatch.directory.models import Region


class Command(BaseCommand):
    help = "Migrate, load reference and demo data, and run web + Celery worker + beat."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument(
            "--reload-reference", action="store_true", help="Reload reference data even if present."
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="On an empty database, create demo users (password DEMO_PASSWORD) and demo tickets.",
        )
        parser.add_argument("--no-demo", action="store_true", help="Never create demo users and data.")
        parser.add_argument("--demo-days", type=int, default=30, help="Days of demo tickets (default 30).")
        parser.add_argument(
            "--prepare-only", action="store_true", help="Prepare the database, start nothing."
        )
        parser.add_argument(
            "--city",
            help="民政部 code of the city to serve (110000 Beijing, the default; 330100 Hangzhou). On the "
            "embedded default each city keeps its own database and broker under var/<city>/.",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["city"]:
            self._serve_city(options["city"])
        started = time.monotonic()
        self.stdout.write("== migrating")
        call_command("migrate", interactive=False, verbosity=0)
        city = jurisdiction()
        if Region.objects.exists() and not Region.objects.filter(code=city.code).exists():
            raise CommandError(
                f"this database holds another city than {city.name} ({city.code}): give {city.name} a "
                "database of its own (DATA_DIR or DATABASE_URL)"
            )
        self.stdout.write("== collecting static files")
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["reload_reference"] or not Region.objects.exists():
            self.stdout.write("== loading reference data (regions, units, categories, catalog)")
            call_command("load_reference", stdout=self.stdout)
        else:
            self.stdout.write("== reference data present (use --reload-reference to reload)")
        wanted = not options["no_demo"] and (options["demo"] or settings.DEBUG)
        with_demo = wanted and not get_user_model().objects.exists()
        if with_demo:
            self.stdout.write("== demo data (an empty database)")
            call_command("seed_demo", days=options["demo_days"], stdout=self.stdout)
        elif wanted:
            self.stdout.write("== demo data: the database has users already; nothing created or changed")
        self.stdout.write(f"== prepared in {time.monotonic() - started:.1f}s")
        if options["prepare_only"]:
            return
        self._print_welcome(options["host"], options["port"], with_demo=with_demo)
        self._run(options["host"], options["port"], options["web_workers"])

    def _serve_city(self, code: str) -> None:
        """Run again as the city's deployment: its profile (JURISDICTION) and, on the embedded default,
        its own database and broker (var/<city>/) — set before the settings are read, so every process
        honcho starts (web, worker, beat) serves the same city."""
        known = profiles()
        if code not in known:
            raise CommandError(f"no profile for city {code}; known: {', '.join(sorted(known))}")
        key = known[code]
        if key == settings.JURISDICTION:
            return
        env = {**os.environ, "JURISDICTION": key}
        if "DATA_DIR" not in os.environ and "DATABASE_URL" not in os.environ:
            env["DATA_DIR"] = str(settings.DATA_DIR / key)
        self.stdout.write(f"== serving {key} ({code}): data in {env.get('DATA_DIR', settings.DATA_DIR)}")
        self.stdout.flush()
        os.execve(sys.executable, [sys.executable, *sys.argv], env)  # noqa: S606  (this same command)

    def _print_welcome(self, host: str, port: int, *, with_demo: bool) -> None:
        url = f"http://{host}:{port}/"
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
        lines = [
            "",
            f"  12345 hotline backend is starting at {url}",
            f"    admin:    {url}admin/",
            f"    API docs: {url}api/v1/docs/",
            f"    database: {engine}   broker: {broker}",
        ]
        if with_demo:
            lines.append(f"  demo logins (password {settings.DEMO_PASSWORD}; change them before real use):")
            lines.append(f"    {'admin':22} superuser")
            for demo in demo_users():
                lines.append(f"    {demo.username:22} {demo.full_name} — {demo.role} @ {demo.unit_code}")
        lines.append("  Ctrl-C stops web, worker and beat.\n")
        self.stdout.write("\n".join(lines))

    def _run(self, host: str, port: int, web_workers: int) -> None:
        from honcho.manager import Manager

        python = sys.executable
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.base"),
            "PYTHONUNBUFFERED": "1",
        }
        manager = Manager()
        manager.add_process(
            "web",
            f"{python} -m gunicorn config.wsgi:application --bind {host}:{port} --workers {web_workers} "
            "--threads 4 --timeout 60 --access-logfile - --access-logformat '%(m)s %(U)s %(s)s %(M)sms'",
            env=env,
        )
        # Threads, not prefork: honcho stops a process by signalling its whole process group, and a
        # prefork pool's children killed that way are logged as errors on every ordinary Ctrl-C.
        manager.add_process(
            "worker",
            f"{python} -m celery -A config worker --loglevel INFO --pool threads --concurrency 4 "
            "--without-gossip --without-mingle",
            env=env,
        )
        manager.add_process(
            "beat",
            f"{python} -m celery -A config beat --loglevel INFO "
            f"--schedule {settings.CELERY_BEAT_SCHEDULE_FILENAME}",
            env=env,
        )
        manager.loop()
        sys.exit(manager.returncode)
