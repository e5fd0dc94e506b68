"""Fixtures for live tests: a speech with a live job, the ASGI server, spoken clips."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
from pathlib import Path

import pytest

from tests.live.server import asgi_server

_numbers = itertools.count(1)


def speak(path: Path, text: str, *, voice: str = "en", speed: int = 150) -> Path:
    """A WAV of espeak-ng reading ``text`` (synthesized in the test, nothing shipped)."""
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text],
                   check=True, capture_output=True)
    return path


@pytest.fixture
def live_speech(data_dir, tmp_path):
    """A speech in English with a live job started from a (not yet played) clip."""
    from rostra.archive.models import Event, Speech

    def make(*, language: str = "en", slug: str | None = None) -> Speech:
        number = next(_numbers)
        event, _ = Event.objects.get_or_create(slug="live-event", defaults={"name": {"en": "L"}})
        return Speech.objects.create(event=event, slug=slug or f"live-{number}",
                                     title={"en": f"City water {number}"},
                                     original_language=language)

    return make


@pytest.fixture
def server(transactional_db):
    with asgi_server() as url:
        yield url
    _close_async_connections()


def _close_async_connections() -> None:
    """Close the connection Django's thread for sync work opened for the async views."""
    from asgiref.sync import sync_to_async
    from django.db import connections

    asyncio.run(sync_to_async(connections.close_all)())
