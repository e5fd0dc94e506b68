"""Which search backend serves this process: the one for Django's database."""

from __future__ import annotations

from django.db import connection

from rostra.search.backends.base import SearchBackend
from rostra.search.backends.postgres import PostgresBackend
from rostra.search.backends.sqlite_fts import SqliteBackend


def get_backend() -> SearchBackend:
    """PostgreSQL's tables when Django uses PostgreSQL, else the SQLite index file."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend.for_data_dir()
