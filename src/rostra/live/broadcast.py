"""Fan-out of live lines to every reader: one poller per process, one asyncio queue per reader.

Readers hold neither a database connection nor a thread: the poller reads the new lines and
job statuses of every job someone is watching in two queries per tick (in Django's one
thread for synchronous work), then puts each event on the queues of that job's readers. A
reader too slow to empty its queue is dropped; its browser reconnects with Last-Event-ID and
reads what it missed from the database.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging

from asgiref.sync import sync_to_async

from rostra.live.queries import last_line_id, new_lines_of, statuses_of

logger = logging.getLogger(__name__)
POLL_SECONDS = 0.25
READER_QUEUE_SIZE = 200
# Put on a reader's queue when it is dropped for being too slow.
DROPPED = object()


class LiveBroadcaster:
    def __init__(self, *, poll_seconds: float = POLL_SECONDS):
        self.poll_seconds = poll_seconds
        self._readers: dict[int, set[asyncio.Queue]] = {}
        self._last_line: dict[int, int] = {}
        self._last_status: dict[int, dict] = {}
        self._task: asyncio.Task | None = None

    @property
    def reader_count(self) -> int:
        return sum(len(queues) for queues in self._readers.values())

    async def subscribe(self, job_id: int) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=READER_QUEUE_SIZE)
        if job_id not in self._readers:
            self._last_line[job_id] = await sync_to_async(last_line_id)(job_id)
        self._readers.setdefault(job_id, set()).add(queue)
        if self._task is None or self._task.done():
            # A fresh context: the request's own (its executor for sync work, which ends
            # with the request) must not be inherited by a task that outlives it.
            self._task = asyncio.create_task(self._poll(), context=contextvars.Context())
        return queue

    def unsubscribe(self, job_id: int, queue: asyncio.Queue) -> None:
        queues = self._readers.get(job_id)
        if queues is None:
            return
        queues.discard(queue)
        if not queues:
            del self._readers[job_id]
            self._last_line.pop(job_id, None)
            self._last_status.pop(job_id, None)

    async def _poll(self) -> None:
        while self._readers:
            await asyncio.sleep(self.poll_seconds)
            watched = dict(self._last_line)
            if not watched:
                continue
            try:
                lines, statuses = await sync_to_async(_read_changes)(watched)
            except Exception:  # a database hiccup must not end every reader's stream
                logger.exception("live: reading new lines failed; trying again")
                continue
            for job_id, events in lines.items():
                if events and job_id in self._last_line:
                    self._last_line[job_id] = events[-1]["id"]
                    for event in events:
                        self._send(job_id, ("line", event))
            for job_id, status in statuses.items():
                if self._last_status.get(job_id) != status:
                    self._last_status[job_id] = status
                    self._send(job_id, ("status", status))

    def _send(self, job_id: int, event) -> None:
        for queue in list(self._readers.get(job_id, ())):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                self.unsubscribe(job_id, queue)
                queue.get_nowait()  # make room to tell the reader it was dropped
                queue.put_nowait(("dropped", DROPPED))


def _read_changes(watched: dict[int, int]):
    return new_lines_of(watched), statuses_of(watched)


_broadcasters: dict[int, LiveBroadcaster] = {}


def broadcaster() -> LiveBroadcaster:
    """This event loop's broadcaster (a server runs one loop per process)."""
    loop = asyncio.get_running_loop()
    key = id(loop)
    if key not in _broadcasters:
        _broadcasters.clear()  # a previous loop (tests start several) is gone
        _broadcasters[key] = LiveBroadcaster()
    return _broadcasters[key]
