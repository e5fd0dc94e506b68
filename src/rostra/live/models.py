"""The live job of a speech and the lines it committed (never changed once written)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from rostra.archive.models import Speech


class LiveJob(models.Model):
    """One live captioning run of one speech, in one process (``rostra live``)."""

    class State(models.TextChoices):
        RUNNING = "running", "running"
        RECONNECTING = "reconnecting", "waiting for the source"
        FINISHING = "finishing", "finishing"
        ENDED = "ended", "ended"
        FAILED = "failed", "failed"

    speech = models.OneToOneField(Speech, on_delete=models.CASCADE, related_name="live_job")
    source = models.CharField(max_length=2000)
    player_url = models.CharField(max_length=2000, blank=True,
                                  help_text="the organizer's own player stream (HLS)")
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    host = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True, help_text="the spoken language")
    options = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    recorded_ms = models.BigIntegerField(default=0, help_text="audio kept so far")
    recognized_ms = models.BigIntegerField(default=0, help_text="audio recognized so far")
    tentative = models.TextField(blank=True, help_text="words that may still change")
    behind = models.BooleanField(default=False, help_text="recognition is behind real time")
    stop_requested = models.BooleanField(default=False)
    restarts = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="what the job last said, for people")

    def __str__(self) -> str:
        return f"live {self.speech.slug} [{self.state}]"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.RUNNING, self.State.RECONNECTING, self.State.FINISHING)


class LiveLine(models.Model):
    """Something the job committed: words, a translated sentence, or a gap in the source.

    The primary key orders a speech's lines (one job writes them, one after the other) and is
    the Server-Sent Events id a reader reconnects with.
    """

    class Kind(models.TextChoices):
        WORDS = "words", "committed words"
        SENTENCE = "sentence", "sentence with its translations"
        GAP = "gap", "gap in the source"

    job = models.ForeignKey(LiveJob, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    start_ms = models.BigIntegerField()
    end_ms = models.BigIntegerField()
    text = models.TextField(blank=True)
    words = models.JSONField(default=list, blank=True,
                             help_text="[[start_ms, end_ms, text, probability], ...]")
    translations = models.JSONField(default=dict, blank=True, help_text="language → text")
    committed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["job", "id"], name="live_line_job_id")]
