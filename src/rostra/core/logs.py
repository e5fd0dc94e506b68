"""Errors are heard: every log record carries the request it belongs to, and goes to stderr and
to DATA_DIR/logs/rostra.log (the file ``rostra logs`` prints).

Line format (docs/operations.md documents it; tools may parse it)::

    2026-05-04T06:12:09Z ERROR django.request request=3f9c… path=/en/speeches/x/ Internal Server Error: …
    Traceback (most recent call last):
      …

``request=-`` and ``path=-`` mark records made outside a request (workers, commands).
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import sys
import uuid
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s request=%(request_id)s path=%(request_path)s %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
LOG_FILE_NAME = "rostra.log"
# An id a proxy sent (X-Request-ID) is kept when it is a plain token; otherwise we make one.
_FOREIGN_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

_current = contextvars.ContextVar("rostra_request", default=("-", "-"))


def log_file(data_dir: Path) -> Path:
    return Path(data_dir) / "logs" / LOG_FILE_NAME


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``request_path`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id, path = _current.get()
        record.request_id = getattr(record, "request_id", request_id)
        record.request_path = getattr(record, "request_path", path)
        return True


class UTCFormatter(logging.Formatter):
    import time as _time

    converter = _time.gmtime


class DataDirFileHandler(RotatingFileHandler):
    """The data dir's log file, created private (0600) in a private folder on first use.

    A data dir that cannot be written (a read-only deployment) leaves stderr as the only log,
    rather than stopping the site."""

    def __init__(self, filename: str, **options):
        path = Path(filename)
        self._usable = True
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not path.exists():
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600))
        except OSError:
            self._usable = False
        super().__init__(filename, delay=True, **options)

    def emit(self, record: logging.LogRecord) -> None:
        if self._usable:
            super().emit(record)


def request_logging(get_response):
    """Middleware: gives each request an id (answered as X-Request-ID) that its log lines carry."""

    def middleware(request):
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _FOREIGN_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set((request_id, request.path[:300]))
        try:
            response = get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response

    return middleware


class CurrentStderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record arrives, not the one of configuration
    time: a process manager or a test harness that swaps stderr never leaves the handler
    writing to a closed file."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass  # always the current sys.stderr


def logging_config(*, data_dir: Path, debug: bool) -> dict:
    """Django's LOGGING: rostra's own records and Django's request errors (every 5xx with its
    traceback) to stderr and the data dir's log file."""
    handler_names = ["stderr", "file"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": RequestContextFilter}},
        "formatters": {"rostra": {"()": UTCFormatter, "format": LOG_FORMAT,
                                  "datefmt": DATE_FORMAT}},
        "handlers": {
            "stderr": {"()": CurrentStderrHandler, "formatter": "rostra",
                       "filters": ["request_context"]},
            "file": {"()": DataDirFileHandler, "filename": str(log_file(data_dir)),
                     "maxBytes": 10 * 1024 * 1024, "backupCount": 5, "encoding": "utf-8",
                     "formatter": "rostra", "filters": ["request_context"]},
        },
        "loggers": {
            "rostra": {"handlers": handler_names, "level": "INFO" if debug else "WARNING",
                       "propagate": False},
            # 5xx with traceback, and 4xx warnings; the website's errors arrive here.
            "django.request": {"handlers": handler_names, "level": "ERROR", "propagate": False},
            "django.security": {"handlers": handler_names, "level": "WARNING",
                                "propagate": False},
        },
    }
