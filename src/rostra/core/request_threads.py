"""Django's synchronous code for ASGI requests on a few long-lived threads, not a new thread
per request.

Django's ASGI handler opens a ThreadSensitiveContext for each request, and asgiref gives each
such context a thread pool of its own: every request started a thread and joined it at the end.
On 2 shared cores that cost 2-4 ms per request (/healthz: 2.3-4.2 ms through the ASGI handler
against 0.4-0.6 ms through the WSGI one, in one process; bench/RESULTS.md "Production server
and load"), more than the page itself, and it made each request open its own database
connection. This wrapper enters the context first, with one of ``threads`` single-thread
executors that stay (asgiref's ThreadSensitiveContext(executor=...); an asgiref without it
keeps Django's thread per request): a request's sync code
still runs on one thread from start to finish, as Django requires, and each thread keeps its
database connection between requests (CONN_MAX_AGE). A request goes to the executor with the
fewest requests in flight, so one slow request holds up at most the few queued behind it on its
thread, never the others. Streams (live captions) wait on the event loop, not on a thread.
More threads share one GIL: at 64 connections the speech page's p99 grew with the count (8 was
worst, 1 and 2 best); 2, so that one request waiting on the database does not stop the rest.
"""

from __future__ import annotations

import inspect
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext

DEFAULT_THREADS = 2


def executors_supported() -> bool:
    return "executor" in inspect.signature(ThreadSensitiveContext).parameters


class LongLivedRequestThreads:
    """ASGI middleware in front of Django's ASGIHandler (see the module docstring)."""

    def __init__(self, app, threads: int = DEFAULT_THREADS):
        self.app = app
        self.executors = [ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"request-{n}")
                          for n in range(max(1, threads))]
        self.in_flight = [0] * len(self.executors)
        self.enabled = executors_supported()  # older asgiref: Django's own thread per request

    async def __call__(self, scope, receive, send):
        if not self.enabled or scope["type"] != "http":
            return await self.app(scope, receive, send)
        slot = min(range(len(self.executors)), key=self.in_flight.__getitem__)
        self.in_flight[slot] += 1
        try:
            async with ThreadSensitiveContext(executor=self.executors[slot]):
                await self.app(scope, receive, send)
        finally:
            self.in_flight[slot] -= 1
