"""Driving an ASGI application in a test as the server drives it: a scope, receive and send
(the fronts in rostra.asgi, around the real Django application)."""

from __future__ import annotations

import asyncio
import contextlib

from django.core.asgi import get_asgi_application
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


class CountingApp:
    """Tells whether (how often) the application behind a front was entered."""

    def __init__(self, app):
        self.app, self.calls = app, 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        await self.app(scope, receive, send)


@contextlib.contextmanager
def counting_django_app():
    """Django's ASGI application, counted. As Django's own test clients do: the test's
    transaction must survive each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield CountingApp(get_asgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def scope_for(path: str, method: str = "GET", headers=()) -> dict:
    """``headers``: (name, value) byte pairs besides the Host."""
    path, _, query = path.partition("?")
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query.encode(), "root_path": "",
            "headers": [(b"host", b"testserver"), *headers],
            "client": ("127.0.0.1", 40000), "server": ("testserver", 80)}


async def exchange(app, path: str, method: str = "GET", headers=(), *, send_hook=None,
                   disconnect: asyncio.Event | None = None) -> list:
    """The messages ``app`` sends for one request. The client stays connected, or until
    ``disconnect`` is set; ``send_hook`` sees each message as it is sent."""
    sent = []
    delivered = False

    async def receive():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if disconnect is None:
            await asyncio.Future()
        await disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        if send_hook is not None:
            await send_hook(message)

    await app(scope_for(path, method, headers), receive, send)
    return sent


def answer(sent: list) -> tuple[int, dict, bytes]:
    """Status, headers ({lower-case name: [values]}) and body of the messages sent."""
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {}
    for name, value in start["headers"]:
        headers.setdefault(name.decode().lower(), []).append(value.decode())
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, body
