"""The Celery application.

``task_cls`` is Celery's Django task class, so every task has ``delay_on_commit()``: services queue
follow-up work only once their transaction has committed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("hotline12345", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
