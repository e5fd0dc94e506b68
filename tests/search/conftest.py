"""Fixtures for the search tests: an archive of neutral speeches and both index backends.

``search_backend`` is parametrized: ``sqlite`` (an index file in the test's data dir) and
``postgresql``. With ROSTRA_DATABASE_URL pointing at PostgreSQL the PostgreSQL backend uses
Django's own database (as in production); otherwise it uses a private schema in the server at
``postgres_url``, so the default run exercises both backends whenever PostgreSQL is reachable.
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timezone

import pytest

from rostra.archive.domain.publishing import publish_speech
from rostra.archive.models import Event, Session, Speaker, Speech, SpeechSpeaker, Topic
from rostra.transcripts.domain import SegmentData, save_transcript


def _django_uses_postgres() -> bool:
    return os.environ.get("ROSTRA_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.fixture(scope="session")
def postgres_schema_dsn(postgres_url):
    """A DSN whose search_path is a fresh schema, dropped after the run."""
    import psycopg

    schema = f"rostra_search_test_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in postgres_url else "?"
    yield f"{postgres_url}{separator}options=-csearch_path%3D{schema},public"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA {schema} CASCADE")


def postgres_backend(request):
    """Django's own database when it is PostgreSQL, else a private schema on the server."""
    from rostra.search.backends.postgres import PostgresBackend

    if _django_uses_postgres():
        return PostgresBackend()
    backend = PostgresBackend(dsn=request.getfixturevalue("postgres_schema_dsn"))
    backend.clear()
    request.addfinalizer(backend.close)
    return backend


@pytest.fixture(params=["sqlite", "postgresql"])
def search_backend(request, data_dir):
    if request.param == "postgresql":
        return postgres_backend(request)
    from rostra.search.backends.sqlite_fts import SqliteBackend

    backend = SqliteBackend(data_dir / "search-index.sqlite3")
    request.addfinalizer(backend.close)
    return backend


@pytest.fixture
def event(db):
    return Event.objects.create(slug="science-week", name={"en": "Science Week",
                                                            "fa": "هفته علم"},
                                timezone="UTC")


class ArchiveBuilder:
    """Makes speeches with transcripts through the real domain functions."""

    def __init__(self, event):
        self.event = event
        self.count = 0

    def speech(self, slug, *, title, transcripts, publish=True, languages=None, topics=(),
               speakers=(), session=None, starts_at=None, abstract=None, original=None):
        self.count += 1
        speech = Speech.objects.create(
            event=self.event, slug=slug, title=title, abstract=abstract or {},
            original_language=original or next(iter(transcripts)), session=session,
            starts_at=starts_at or datetime(2026, 5, 1 + self.count % 20, 9, tzinfo=timezone.utc))
        for topic in topics:
            speech.topics.add(topic)
        for position, speaker in enumerate(speakers):
            SpeechSpeaker.objects.create(speech=speech, speaker=speaker, position=position)
        for language, sentences in transcripts.items():
            save_transcript(speech=speech, language=language,
                            origin="human" if language == speech.original_language else "mt",
                            segments=[SegmentData(i * 4000, i * 4000 + 3500, text)
                                      for i, text in enumerate(sentences)])
        if publish:
            publish_speech(speech, languages=languages or list(transcripts))
        return speech

    def topic(self, slug, names):
        return Topic.objects.create(event=self.event, slug=slug, name=names)

    def speaker(self, slug, names, country=""):
        return Speaker.objects.create(event=self.event, slug=slug, names=names, country=country)

    def session(self, slug, title):
        return Session.objects.create(event=self.event, slug=slug, title=title)


@pytest.fixture
def archive(event):
    return ArchiveBuilder(event)
