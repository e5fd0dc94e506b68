"""Fixtures for processing tests: speeches with real recordings, the fake engine on demand."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

import mediafactory

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # makes fake_asr_engine importable by name

FAKE_ENGINE = "fake_asr_engine:FakeAsrEngine"
_counter = itertools.count(1)


@pytest.fixture
def fake_engine(settings, tmp_path, monkeypatch):
    """Use the fake engine; returns a function giving the calls logged so far."""
    log = tmp_path / "asr-calls.log"
    monkeypatch.setenv("ROSTRA_FAKE_ASR_LOG", str(log))
    settings.ROSTRA_ASR_ENGINE = FAKE_ENGINE

    def calls() -> list[str]:
        return log.read_text().splitlines() if log.exists() else []

    return calls


@pytest.fixture
def make_speech(data_dir, tmp_path):
    """A speech in a fresh event with a real (tone) recording attached."""
    from rostra.archive.domain.media import add_media_file
    from rostra.archive.models import Event, Speech

    def make(*, language: str = "en", seconds: float = 1.0, slug: str | None = None,
             media: bool = True) -> Speech:
        number = next(_counter)
        event, _ = Event.objects.get_or_create(slug="test-event", defaults={"name": {"en": "T"}})
        speech = Speech.objects.create(event=event, slug=slug or f"speech-{number}",
                                       title={"en": f"Speech {number}"},
                                       original_language=language)
        if media:
            recording = mediafactory.write_audio(tmp_path / f"rec-{number}.ogg", seconds=seconds,
                                                 tone_hz=300 + number)
            add_media_file(recording, speech=speech)
            speech.refresh_from_db()
        return speech

    return make


@pytest.fixture(scope="session")
def shared_model_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture
def real_engine(settings, data_dir, shared_model_cache):
    """The real faster-whisper engine, with the bundled model assembled once per session."""
    settings.ROSTRA_ASR_ENGINE = "faster-whisper"
    (data_dir / "models").symlink_to(shared_model_cache, target_is_directory=True)
