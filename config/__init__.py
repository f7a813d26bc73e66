"""Project configuration: settings, the Celery app, URLs and the API plumbing."""

from .celery import app as celery_app

__all__ = ["celery_app"]
