"""A minimal Server-Sent Events reader over http.client, as a browser's EventSource reads."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit


class EventReader:
    def __init__(self, url: str, *, last_event_id: int | None = None, timeout: float = 30):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port,
                                                     timeout=timeout)
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                                headers=headers)
        self.response = self.connection.getresponse()

    def next_event(self) -> dict | None:
        """The next event as {id, event, data}; None when the server closes the stream."""
        event: dict = {}
        while True:
            raw = self.response.readline()
            if not raw:
                return None
            line = raw.decode("utf-8").rstrip("\n")
            if not line:
                if "data" in event:
                    event["data"] = json.loads(event["data"])
                    return event
                event = {}
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            if name in ("id", "event", "data", "retry"):
                event[name] = value

    def events_until(self, predicate, *, limit: int = 1000) -> list[dict]:
        seen = []
        for _ in range(limit):
            event = self.next_event()
            if event is None:
                break
            seen.append(event)
            if predicate(event):
                break
        return seen

    def close(self) -> None:
        self.connection.close()
