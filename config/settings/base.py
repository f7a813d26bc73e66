"""Settings for the 12345 backend, read from the environment.

Every variable has a default that gives the embedded set-up (SQLite and a Celery broker kept in
files under ``var/``), so ``manage.py up`` works on a machine with only Python. Production points
``DATABASE_URL`` at PostgreSQL and ``CELERY_BROKER_URL`` at Redis or RabbitMQ. The README lists
every variable.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from kombu import Queue

# Lets runtime code write the generic forms the type checker wants (admin.ModelAdmin[Model]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Runtime files of the embedded set-up: the SQLite database, the file broker, generated keys.
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))


def _persistent_secret(name: str, generate: Callable[[], str] = lambda: secrets.token_urlsafe(50)) -> str:
    """A random secret generated once and kept under DATA_DIR, for the embedded set-up only.

    Production sets the corresponding environment variable instead; a key that changed between
    restarts would log everybody out and make encrypted phone numbers unreadable.
    """
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / name
    if not path.exists():
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()


# ------------------------------------------------------------------------------ core
SECRET_KEY = os.environ.get("SECRET_KEY") or _persistent_secret("secret_key")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # project apps, in dependency order: the directory first
    "dispatch",
    "orders",
    "hotline",
    "evaluation",
    "citizens",
    "open311",
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.RejectNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.replica.ReplicaReadsMiddleware",  # a no-op without DATABASE_REPLICA_URL
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.calendar_banner",
            ],
        },
    },
]

# ------------------------------------------------------------------------------ database
# https://github.com/jazzband/dj-database-url
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
# Behind PgBouncer in transaction mode (docs/scaling.md) a connection's server changes between
# transactions: no server-side cursors (they outlive a transaction) and no prepared statements
# (PgBouncer 1.18 does not carry them over).
if env_bool("DATABASE_TRANSACTION_POOLING", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
# Reads that may lag (the insight and assessment pages and API) go to a PostgreSQL streaming replica
# when one is configured, and back to the primary while it is down (config/replica.py,
# docs/scaling.md).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 2}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
REPLICA_CHECK_SECONDS = int(os.environ.get("REPLICA_CHECK_SECONDS") or 10)
REPLICA_READ_PATHS = ["/insight/", "/assessment/", "/api/v1/insight/", "/api/v1/assessment/"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat read while one of them writes; IMMEDIATE makes
    # every transaction take the write lock up front, so concurrent writers queue (up to `timeout`
    # seconds) instead of failing with "database is locked" half-way through.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------ auth
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["config.auth.CachedPermissionsBackend"]
# Permissions and ticket scopes are cached this long per user (dispatch/access_cache.py).
ACCESS_CACHE_SECONDS = int(os.environ.get("ACCESS_CACHE_SECONDS", "60"))
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
        if os.environ.get("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Regions, categories and the catalog are cached in each process this long (dispatch/directory_cache.py).
DIRECTORY_CACHE_SECONDS = int(os.environ.get("DIRECTORY_CACHE_SECONDS", "300"))
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# ------------------------------------------------------------------------------ i18n
# Chinese by default; English through the language switcher or Accept-Language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------ static files
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders when collectstatic has not run (tests, dev).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# ------------------------------------------------------------------------------ REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.ProjectAutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "12345 接诉即办 API",
    "DESCRIPTION": "Work orders of the 12345 citizen-service hotline: intake, dispatch, handling, "
    "deadlines, callback and assessment.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: Swagger UI would send the schema to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True, "persistAuthorization": True},
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The API's shape is public; every operation in it still needs a signed-in user.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # One schema component per choice set, named after the class that defines it.
    "ENUM_NAME_OVERRIDES": {
        f"{name}Enum": f"{module}.{name}"
        for module, names in {
            "dispatch.directory.choices": [
                "RegionLevel",
                "RegionKind",
                "AliasKind",
                "CodeChange",
                "UnitKind",
                "UnitFunction",
                "AssessmentGroup",
                "MembershipRole",
                "UrgencyTier",
                "DemandType",
                "LeadRule",
            ],
            "orders.choices": [
                "TicketState",
                "Channel",
                "RejectReason",
                "ReturnReason",
                "ReturnDecision",
                "AssignmentRole",
                "AssignmentEnd",
                "EventKind",
            ],
            "evaluation.choices": [
                "Satisfaction",
                "Resolution",
                "CallbackOutcome",
                "AppealReason",
                # AppealStatus has ReturnDecision's values (pending/approved/denied): one enum
                "ExemptionReason",
            ],
        }.items()
        for name in names
    },
}

# ------------------------------------------------------------------------------ Celery
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# The default broker keeps messages in files under DATA_DIR (kombu's filesystem transport), so the
# embedded set-up needs no server. Messages are hints: every periodic task re-derives its work
# from the database, so a lost message delays work but never loses it.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem"):
    _broker_dir = DATA_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# A task is acknowledged only after it ran, so a worker that dies mid-task leaves it for another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Hard and soft limits: the sweep and the nightly assessment are the longest tasks.
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when the broker is down: fail fast, the sweep catches up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Queues by kind of work (docs/scaling.md): a worker started without -Q consumes them all (the
# embedded set-up); a larger one runs workers per queue, so a long assessment never holds up the
# sweep or an auto-dispatch hint. "celery" is the default queue for anything not routed.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_QUEUES_BY_KIND = {
    "intake": ["dispatch.auto_dispatch", "orders.prepare_ticket_numbers"],
    "sweep": [
        "orders.deadline_sweep",
        "dispatch.auto_dispatch_catch_up",
        "dispatch.whistles_settle",
        "orders.calendar_watch",
        "orders.recompute_provisional_deadlines",
        "orders.event_partitions_ensure",
    ],
    "analytics": ["evaluation.*", "dispatch.category_model_train"],
    "notifications": ["citizens.*"],
}
CELERY_TASK_QUEUES = [Queue(name) for name in (CELERY_TASK_DEFAULT_QUEUE, *CELERY_QUEUES_BY_KIND)]
CELERY_TASK_ROUTES = {
    task: {"queue": queue} for queue, tasks in CELERY_QUEUES_BY_KIND.items() for task in tasks
}

# One dict, reviewed like code. Each periodic task re-derives its work from the database.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "orders.deadline_sweep": {
        "task": "orders.deadline_sweep",
        "schedule": 60.0,  # every minute; a late or doubled run takes each step once all the same
        "options": {"expires": 55},
    },
    "orders.calendar_watch": {
        "task": "orders.calendar_watch",
        "schedule": crontab(minute=15, hour="*/6"),  # provisional years, the yearly warning, recompute
        "options": {"expires": 3600},
    },
    "orders.prepare_ticket_numbers": {
        "task": "orders.prepare_ticket_numbers",
        "schedule": crontab(minute=30, hour="*/6"),  # https://crontab.guru/#30_*/6_*_*_*
        "options": {"expires": 3600},
    },
    "orders.event_partitions_ensure": {
        "task": "orders.event_partitions_ensure",
        "schedule": crontab(minute=45, hour=1),  # https://crontab.guru/#45_1_*_*_*  daily, months ahead
        "options": {"expires": 6 * 3600},
    },
    "evaluation.compute_periods": {
        "task": "evaluation.compute_periods",
        "schedule": crontab(minute=20, hour=2),  # https://crontab.guru/#20_2_*_*_*  nightly, 02:20
        "options": {"expires": 3 * 3600},
    },
    "evaluation.scores_refresh": {
        "task": "evaluation.scores_refresh",
        "schedule": 120.0,  # periods marked stale by a close or a decision (messages are only hints)
        "options": {"expires": 110},
    },
    "evaluation.warning_scan": {
        "task": "evaluation.warning_scan",
        "schedule": crontab(minute="*/30"),  # https://crontab.guru/#*/30_*_*_*_*
        "options": {"expires": 1500},
    },
    "evaluation.build_reports": {
        "task": "evaluation.build_reports",
        "schedule": crontab(minute=10),  # https://crontab.guru/#10_*_*_*_*  hourly: builds what is due
        "options": {"expires": 3000},
    },
    "dispatch.auto_dispatch_catch_up": {
        "task": "dispatch.auto_dispatch_catch_up",
        "schedule": 60.0,  # every minute
        "options": {"expires": 55},
    },
    "dispatch.category_model_train": {
        "task": "dispatch.category_model_train",
        "schedule": crontab(minute=40, hour=3),  # https://crontab.guru/#40_3_*_*_*  nightly, 03:40
        "options": {"expires": 3 * 3600},
    },
    "dispatch.whistles_settle": {
        "task": "dispatch.whistles_settle",
        "schedule": 300.0,  # whistles whose ticket left `escalated` another way
        "options": {"expires": 290},
    },
    "citizens.messages_send": {
        "task": "citizens.messages_send",
        "schedule": 30.0,  # the outbox: anything due (new, or waiting for a retry) is sent
        "options": {"expires": 25},
    },
}

# ------------------------------------------------------------------------------ logging
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors": {"()": "config.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["client_errors"]},
    },
}

# ------------------------------------------------------------------------------ security
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if env_bool("HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# ------------------------------------------------------------------------------ domain
# Demo password printed by `manage.py up`; only the demo loader uses it.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-12345")
HOTLINE_UNIT_CODE = "HOTLINE"
# The city this deployment serves: a folder under dispatch/data/ with profile.yaml and its data.
JURISDICTION = os.environ.get("JURISDICTION", "beijing")

# Callers' phone numbers and names are encrypted at rest (Fernet; the first key encrypts, all
# keys decrypt, so keys can be rotated) and looked up through a keyed hash (HMAC-SHA256).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", "") or [
    _persistent_secret("field_encryption_key", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode())
]
PHONE_HASH_KEY = os.environ.get("PHONE_HASH_KEY") or _persistent_secret("phone_hash_key")

# How many times callback staff may send one ticket back for rework (重办).
TICKET_MAX_REWORK = int(os.environ.get("TICKET_MAX_REWORK", "3"))
# Received tickets of auto-dispatch categories still waiting after this long are dispatched by the
# periodic catch-up (their task message was lost).
AUTO_DISPATCH_CATCH_UP_SECONDS = 120
# 预警: the early-warning rules' thresholds (evaluation/early_warning.py, docs/insight.md); any key
# left out keeps its default.
INSIGHT_WARNING_RULES: dict[str, object] = {}
# 日报: the daily report's window runs from this hour to the same hour the next day.
REPORT_DAY_CUTOFF_HOUR = int(os.environ.get("REPORT_DAY_CUTOFF_HOUR", "12"))
# 四象限: the quadrant rules' thresholds (evaluation/quadrants.py, docs/insight.md).
INSIGHT_QUADRANT_RULES: dict[str, float | None] = {}

# Citizens (citizens/, docs/citizens.md): the progress page and the messages sent to callers.
# The address citizens reach the site at, for links in messages.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# console (the log), file (JSON lines in SMS_GATEWAY_FILE) or http (POST to SMS_GATEWAY_URL).
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "console")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_FILE = os.environ.get("SMS_GATEWAY_FILE", str(DATA_DIR / "messages.jsonl"))
SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", "8"))  # then the message is dead
SMS_RETRY_SECONDS = int(os.environ.get("SMS_RETRY_SECONDS", "30"))  # the first retry's wait, then doubling
# The progress page's limits against guessing (django-ratelimit: count/period per address, per number).
PROGRESS_RATE_PER_ADDRESS = os.environ.get("PROGRESS_RATE_PER_ADDRESS", "30/h")
PROGRESS_RATE_PER_NUMBER = os.environ.get("PROGRESS_RATE_PER_NUMBER", "10/h")

# Open311 GeoReport v2 (open311/, docs/open311.md). One jurisdiction is served: a jurisdiction_id
# other than this one is a 404, a missing one is fine.
OPEN311_JURISDICTION_ID = os.environ.get("OPEN311_JURISDICTION_ID", JURISDICTION)
# False: only requests filed through Open311 are shown; True: every citizen's ticket except anonymous
# ones, proactive work and the withheld categories (threats, group demands).
OPEN311_PUBLISH_ALL = os.environ.get("OPEN311_PUBLISH_ALL", "false").lower() == "true"
OPEN311_WITHHELD_CATEGORIES = ("0704",)
OPEN311_CHANGESET = "2026-12-03T00:00:00+08:00"
OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "12345 热线中心")
OPEN311_KEY_SERVICE = os.environ.get("OPEN311_KEY_SERVICE", "向 12345 热线中心申请接入")
# 回访: after this many unanswered calls a handled ticket closes with no valid callback.
CALLBACK_MAX_ATTEMPTS = int(os.environ.get("CALLBACK_MAX_ATTEMPTS", "3"))
# A retried POST with the same Idempotency-Key returns the first ticket within this many hours.
IDEMPOTENCY_KEY_TTL_HOURS = 24
