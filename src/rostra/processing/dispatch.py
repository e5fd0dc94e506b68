"""Which executor this deployment uses: Celery workers with a broker, else the background
thread of ``rostra serve`` on this machine."""

from __future__ import annotations

from django.conf import settings

from rostra.processing.executor import StageExecutor
from rostra.processing.in_process import BackgroundExecutor
from rostra.processing.tasks import CeleryExecutor


def deployment_executor() -> StageExecutor:
    return CeleryExecutor() if settings.ROSTRA_BROKER_URL else BackgroundExecutor()
