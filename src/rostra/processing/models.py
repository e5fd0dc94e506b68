"""Stage runs: what happened to each processing stage of each speech.

One row per (speech, stage). Its fingerprint (input hash + engine + model + options) says
which input the last successful run saw, so a finished stage is skipped until its input or
configuration changes. Workers claim a row with a conditional UPDATE before doing the work,
so two workers handed the same stage never both run it.
"""

from __future__ import annotations

from django.db import models

from rostra.archive.models import Speech


class StageRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        SKIPPED = "skipped", "skipped"  # nothing to do, with the reason in ``error``
        FAILED = "failed", "failed"

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="stage_runs")
    stage = models.CharField(max_length=40, help_text='"asr", "translate:fa"…')
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    fingerprint = models.CharField(max_length=64, blank=True,
                                   help_text="sha256 of input hash + engine + model + options")
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="why it failed or was skipped, for editors")
    detail = models.JSONField(default=dict, blank=True,
                              help_text="figures of the last run: duration, segments, speed…")
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid that ran it")
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["speech", "id"]
        constraints = [
            models.UniqueConstraint(fields=["speech", "stage"], name="stage_run_unique_stage")
        ]

    def __str__(self) -> str:
        return f"{self.speech_id} {self.stage}: {self.status}"
