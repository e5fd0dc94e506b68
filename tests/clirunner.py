"""Run the real `rostra` command in a subprocess, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def run_rostra(*args: str, data_dir: Path, env: dict | None = None, timeout: int = 300,
               input: str | None = None) -> Result:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ROSTRA_")}
    for key in ("ROSTRA_DATABASE_URL", "ROSTRA_REQUIRE_SERVICES"):
        # The subprocess uses SQLite in its own data dir unless a test asks otherwise.
        environ.pop(key, None)
    # The browser tests let the ORM run beside Playwright's event loop in this process; a
    # command started here must not inherit that (Django's deploy check rightly refuses it).
    environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    environ.update({"ROSTRA_DATA_DIR": str(data_dir), "COLUMNS": "200"})
    environ.update(env or {})
    completed = subprocess.run(
        [sys.executable, "-m", "rostra", *args], capture_output=True, text=True,
        env=environ, timeout=timeout, input=input,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


def one_error_line(result: Result) -> str:
    """Assert the command failed with exactly one `rostra: error: …` line; return it."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("rostra: error: ")
    return lines[0]
