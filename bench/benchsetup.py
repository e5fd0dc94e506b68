"""Shared start of the benchmarks: Django on a fresh SQLite data dir of the benchmark's own."""

from __future__ import annotations

import os


def setup_django(data_dir: str) -> None:
    """Point rostra at ``data_dir`` (SQLite, whatever ROSTRA_DATABASE_URL says) and migrate."""
    os.environ["ROSTRA_DATA_DIR"] = str(data_dir)
    os.environ.pop("ROSTRA_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
    import django

    django.setup()
    from rostra.cli.database import ensure_database

    ensure_database()


def drop_schema(dsn: str, schema: str) -> None:
    """Remove the throwaway PostgreSQL schema a benchmark built its index in."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA {schema} CASCADE")
