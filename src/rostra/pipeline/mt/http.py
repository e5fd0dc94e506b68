"""JSON over HTTP for the translation servers, with errors sorted into temporary and permanent.

Only the standard library: a translation server is one POST away, and the error mapping is
what matters. Temporary (retried with growing delays, up to a limit): connection refused or
reset, timeouts, HTTP 408, 429, 500, 502, 503, 504. Permanent (raised at once): any other
4xx (bad key, unknown model, bad request), replies that are not JSON.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from rostra.pipeline.mt.base import TemporaryTranslationError, TranslationError

TEMPORARY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a temporary failure is retried."""

    attempts: int = 4
    first_delay_s: float = 1.0
    factor: float = 2.0
    max_delay_s: float = 30.0

    def delays(self):
        delay = self.first_delay_s
        for _ in range(self.attempts - 1):
            yield min(delay, self.max_delay_s)
            delay *= self.factor


def _server_message(body: bytes) -> str:
    try:
        document = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace").strip()[:200]
    if isinstance(document, dict):
        error = document.get("error", document.get("detail", document.get("message", "")))
        if isinstance(error, dict):
            error = error.get("message", "") or json.dumps(error)[:200]
        return str(error)[:200]
    return str(document)[:200]


def post_json(url: str, payload: dict, *, headers: dict[str, str] | None = None,
              timeout_s: float = 60.0, what: str = "translation server") -> Any:
    """POST ``payload`` as JSON, return the decoded JSON reply; errors as TranslationError."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json", "Accept": "application/json", **(headers or {})})
    return _send(request, timeout_s=timeout_s, what=what)


def get_json(url: str, *, headers: dict[str, str] | None = None, timeout_s: float = 30.0,
             what: str = "translation server") -> Any:
    request = urllib.request.Request(url, method="GET",
                                     headers={"Accept": "application/json", **(headers or {})})
    return _send(request, timeout_s=timeout_s, what=what)


def _send(request: urllib.request.Request, *, timeout_s: float, what: str) -> Any:
    url = request.full_url
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        message = _server_message(exc.read() or b"")
        detail = f"{what} at {url} answered HTTP {exc.code}" + (f": {message}" if message else "")
        if exc.code in TEMPORARY_STATUS:
            raise TemporaryTranslationError(detail) from None
        if exc.code in (401, 403):
            raise TranslationError(detail + "; check ROSTRA_MT_API_KEY") from None
        raise TranslationError(detail) from None
    except (socket.timeout, TimeoutError):
        raise TemporaryTranslationError(
            f"{what} at {url} did not answer within {timeout_s:g} s") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise TemporaryTranslationError(
                f"{what} at {url} did not answer within {timeout_s:g} s") from None
        raise TemporaryTranslationError(f"cannot reach the {what} at {url} ({reason}); is it "
                                        "running? check ROSTRA_MT_URL") from None
    except (ConnectionError, OSError) as exc:
        raise TemporaryTranslationError(f"connection to the {what} at {url} failed ({exc})"
                                        ) from None
    try:
        return json.loads(body)
    except ValueError:
        raise TranslationError(f"{what} at {url} answered with something that is not JSON: "
                               f"{body[:80]!r}") from None


def with_retries(call: Callable[[], T], *, policy: RetryPolicy,
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``call``; retry TemporaryTranslationError with growing delays; re-raise the last."""
    delays = policy.delays()
    while True:
        try:
            return call()
        except TemporaryTranslationError:
            delay = next(delays, None)
            if delay is None:
                raise
            sleep(delay)
