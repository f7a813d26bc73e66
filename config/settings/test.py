"""Settings for the test suite.

Tests run against real services, as CI does: PostgreSQL and a Redis broker on this machine unless
``DATABASE_URL`` / ``CELERY_BROKER_URL`` say otherwise. Nothing here mocks the database or the queue.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline12345")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "test"))

from .base import *  # noqa: F403

# Hashing demo passwords with PBKDF2 would dominate the suite's run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE") or 0)  # noqa: F405
# TEST_DATABASE_NAME lets two test runs on one machine use separate databases.
# Another city's run (JURISDICTION=hangzhou) gets a database of its own, loaded with that city.
_CITY_SUFFIX = "" if JURISDICTION == "beijing" else f"_{JURISDICTION}"  # noqa: F405
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": os.environ.get("TEST_DATABASE_NAME", "test_hotline12345") + _CITY_SUFFIX
}
