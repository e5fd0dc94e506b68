"""Transcripts (one per speech, language and origin) and their timed segments.

Provenance is part of the data: every transcript says whether a machine (speech recognition or
translation) or a person made it, with which engine, model and options.
"""

from __future__ import annotations

from django.db import models

from rostra.archive.models import Speech


class Transcript(models.Model):
    class Origin(models.TextChoices):
        ASR = "asr", "speech recognition"
        MT = "mt", "machine translation"
        HUMAN = "human", "human"
        # Spoken by a human interpreter, transcribed by machine (from the interpreter's track).
        INTERPRETATION = "interpretation", "interpretation (machine transcription)"

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="transcripts")
    language = models.CharField(max_length=8)
    origin = models.CharField(max_length=16, choices=Origin.choices)
    source = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="translations",
                               help_text="the transcript this one was translated from")
    engine = models.CharField(max_length=100, blank=True, help_text="faster-whisper, ctranslate2…")
    model = models.CharField(max_length=300, blank=True)
    engine_version = models.CharField(max_length=50, blank=True)
    options = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True,
                                   help_text="hash of input + engine + model + options")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    flags = models.JSONField(default=list, blank=True, help_text="e.g. no-speech")
    approved = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1,
                                           help_text="bumped on every save, for edit conflicts")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["speech", "language", "origin"]
        constraints = [
            models.UniqueConstraint(fields=["speech", "language", "origin"],
                                    name="transcript_unique_origin")
        ]

    def __str__(self) -> str:
        return f"{self.speech.slug} [{self.language}, {self.origin}]"

    @property
    def is_machine(self) -> bool:
        return self.origin != self.Origin.HUMAN

    @property
    def is_original_language(self) -> bool:
        return self.language == self.speech.original_language


class Segment(models.Model):
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveIntegerField()
    start_ms = models.PositiveIntegerField()
    end_ms = models.PositiveIntegerField()
    text = models.TextField()
    words = models.JSONField(default=list, blank=True,
                             help_text="[[start_ms, end_ms, word, probability], …]")
    reviewed = models.BooleanField(default=False)
    stale = models.BooleanField(default=False, help_text="its source changed since translation")

    class Meta:
        ordering = ["transcript", "position"]
        constraints = [
            models.UniqueConstraint(fields=["transcript", "position"], name="segment_unique_pos"),
            models.CheckConstraint(condition=models.Q(end_ms__gte=models.F("start_ms")),
                                   name="segment_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start_ms}–{self.end_ms}: {self.text[:40]}"
