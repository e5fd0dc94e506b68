"""The Celery app, configured from Django settings (``CELERY_*`` in rostra.settings).

With no ROSTRA_BROKER_URL, tasks run eagerly in the calling process: one machine needs no
external service. With a broker, ``rostra worker --queues asr`` (GPU machines),
``rostra worker --queues media`` (encoding: CPU-hungry, no model) and
``rostra worker --queues translate,default`` (elsewhere) share the work.
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")

QUEUES = ("asr", "translate", "media", "default")

app = Celery("rostra")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = tuple(Queue(name) for name in QUEUES)
app.conf.task_default_queue = "default"
app.conf.broker_connection_retry_on_startup = True
app.autodiscover_tasks(["rostra.processing"])
