"""The peer for the intake benchmark: django-helpdesk 2.6.1 from PyPI, served the same way as ours.

``bench/intake_http.py --peer helpdesk`` uses this. The first run makes a virtual environment under
``var/peer/`` with ``django-helpdesk==2.6.1`` (PyPI), gunicorn and psycopg, a minimal Django site
for it (written here, below), and its own PostgreSQL database ``helpdesk_bench`` on the same server.
Its API (``POST /api/tickets/``, helpdesk's own DRF viewset) is authenticated by DRF tokens, as ours
is, so neither side pays a password hash per request. Nothing of the peer is committed: it is
installed from the registry like any dependency, into ``var/`` (ignored by git).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys

from environment import BENCH_DATABASE_URL, ROOT, GunicornServer

PEER = ROOT / "var" / "peer"
VENV = PEER / "helpdesk-venv"
SITE = PEER / "helpdesk_site"
PYTHON = VENV / "bin" / "python"
DATABASE_URL = BENCH_DATABASE_URL.rsplit("/", 1)[0] + "/helpdesk_bench"
REQUIREMENTS = ["django-helpdesk==2.6.1", "gunicorn>=23", "psycopg[binary]>=3.2"]

SETTINGS = '''
"""A minimal site serving django-helpdesk for the benchmark (bench/peer_helpdesk.py writes it)."""
from urllib.parse import urlsplit

_url = urlsplit({database_url!r})
SECRET_KEY = "bench-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_ID = 1
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.sites", "django.contrib.messages",
    "django.contrib.humanize", "django.contrib.staticfiles",
    "rest_framework", "rest_framework.authtoken", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "helpdesk_site.urls"
TEMPLATES = [{{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
    "OPTIONS": {{"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]}},
}}]
DATABASES = {{"default": {{
    "ENGINE": "django.db.backends.postgresql", "NAME": _url.path.lstrip("/"),
    "USER": _url.username or "postgres", "HOST": _url.hostname, "PORT": _url.port or 5432,
    "CONN_MAX_AGE": 60,
}}}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "/static/"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
HELPDESK_API_ENABLED = True
HELPDESK_TEAMS_MODE_ENABLED = False  # pinax-teams is an optional extra (not installed)
REST_FRAMEWORK = {{"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"]}}
LOGGING = {{"version": 1, "root": {{"level": "WARNING"}}}}
'''

URLS = """
from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls"))]
"""

SETUP = """
import django
django.setup()
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from helpdesk.models import Queue

user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
queue, _ = Queue.objects.get_or_create(slug="hotline", defaults={"title": "12345"})
print(Token.objects.get_or_create(user=user)[0].key, queue.pk)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk_site.settings", "PYTHONPATH": str(PEER)}


def prepare() -> tuple[str, int]:
    """Install the peer if needed, migrate its database; return its API token and queue id."""
    import psycopg

    if not PYTHON.exists():
        print("  installing django-helpdesk 2.6.1 from PyPI into var/peer/ ...")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
    SITE.mkdir(parents=True, exist_ok=True)
    (SITE / "__init__.py").write_text("")
    (SITE / "settings.py").write_text(SETTINGS.format(database_url=DATABASE_URL))
    (SITE / "urls.py").write_text(URLS)
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = 'helpdesk_bench'").fetchone():
            connection.execute('CREATE DATABASE "helpdesk_bench"')
    django_admin = [str(PYTHON), "-m", "django"]
    subprocess.run([*django_admin, "migrate", "-v0"], check=True, env=_env(), cwd=PEER)
    out = subprocess.run(
        [str(PYTHON), "-c", SETUP], check=True, env=_env(), cwd=PEER, capture_output=True, text=True
    )
    token, queue = out.stdout.split()
    return token, int(queue)


def bodies(queue: int, contents: list[str], n: int = 200) -> list[dict[str, object]]:
    """Tickets as helpdesk's API takes them: the same demands as ours, in its fields."""
    rng = random.Random(12345)
    return [
        {
            "queue": queue,
            "title": rng.choice(contents)[:20],
            "description": rng.choice(contents),
            "submitter_email": f"caller{n}@example.cn",
            "priority": 3,
        }
        for n in range(n)
    ]


def server(port: int, workers: int, threads: int) -> GunicornServer:
    """The peer under gunicorn with the same workers and threads as ours."""
    (SITE / "wsgi_app.py").write_text(
        "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"
    )
    return GunicornServer(
        port, workers, threads, python=str(PYTHON), app="helpdesk_site.wsgi_app:application",
        cwd=PEER, env=_env(), probe="/api/",
    )  # fmt: skip


def check(port: int, token: str, body: dict[str, object]) -> None:
    """One create through the peer's API, so a misconfigured peer fails loudly, not as 0 t/s."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "POST",
        "/api/tickets/",
        body=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    response = connection.getresponse()
    text = response.read()
    if response.status != 201:
        raise RuntimeError(f"django-helpdesk answered {response.status}: {text[:300]!r}")


ESCALATION = """
import datetime as dt, sys, time, uuid
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from helpdesk.models import FollowUp, Queue, Ticket

open_count, due = int(sys.argv[1]), int(sys.argv[2])
with connection.cursor() as cursor:
    cursor.execute("TRUNCATE helpdesk_ticket RESTART IDENTITY CASCADE")
queue, _ = Queue.objects.get_or_create(slug="hotline", defaults={"title": "12345"})
Queue.objects.filter(pk=queue.pk).update(escalate_days=1)
now = timezone.now()
rows = []
for n in range(open_count):
    created = now - dt.timedelta(hours=2)
    rows.append(Ticket(
        title="暖气不热", queue=queue, created=created, modified=created, status=Ticket.OPEN_STATUS,
        description="暖气不热，室温只有16度。", priority=3, submitter_email=f"caller{n}@example.cn",
        secret_key=uuid.uuid4().hex[:36],
    ))
Ticket.objects.bulk_create(rows, batch_size=5000)
# (in case the model stamps its own creation time) the due ones were opened three days ago
Ticket.objects.filter(pk__lte=due).update(created=now - dt.timedelta(days=3))
began = time.perf_counter()
call_command("escalate_tickets")
elapsed = time.perf_counter() - began
escalated = Ticket.objects.filter(last_escalation__isnull=False).count()
assert escalated == due, (escalated, due)
print(elapsed, FollowUp.objects.count())
"""


def escalation_timed(open_count: int, due: int) -> float:
    """django-helpdesk's own deadline step, ``manage.py escalate_tickets`` (in process, timed around
    the command), over ``open_count`` open tickets of which ``due`` are past the queue's one-day
    escalation; checks that exactly those were escalated. Returns the seconds."""
    prepare()
    out = subprocess.run(
        [str(PYTHON), "-c", ESCALATION, str(open_count), str(due)],
        check=True,
        env=_env(),
        cwd=PEER,
        capture_output=True,
        text=True,
    )
    elapsed, followups = out.stdout.split()
    assert int(followups) == due, (followups, due)
    return float(elapsed)
