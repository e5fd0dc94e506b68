"""Bring the database schema up to date before a command touches it."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import OperationalError

from rostra.core.errors import UserError
from rostra.core.private_files import make_private_dir


def ensure_database() -> None:
    """Apply pending migrations quietly, so every command works right after ``pip install``."""
    from django.conf import settings

    if "sqlite3" in settings.DATABASES["default"]["ENGINE"]:
        make_private_dir(settings.DATA_DIR)
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        raise UserError(
            f"cannot open the database ({exc}); check ROSTRA_DATABASE_URL or --data-dir"
        ) from None
    if pending:
        call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
