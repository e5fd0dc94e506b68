"""Interpreters' audio tracks of a speech, and the web renditions made from each recording."""

from __future__ import annotations

from django.db import models

from rostra.archive.models import MediaAsset, Speech


class AudioTrack(models.Model):
    """A language the speech can be heard in besides the floor: an interpreter's channel.

    Its recording is an audio file of its own: given separately, or copied out of a
    multi-track recording (``source_track`` then says which track, 1-based), so recognition and
    encoding treat every track the same way. The speech's own recording is never changed.
    """

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="audio_tracks")
    language = models.CharField(max_length=8)
    asset = models.ForeignKey(MediaAsset, on_delete=models.PROTECT, related_name="audio_tracks")
    source_track = models.PositiveIntegerField(
        null=True, blank=True, help_text="track number in the speech's recording, if from it")
    interpretation = models.BooleanField(
        default=True, help_text="spoken by an interpreter (not the speaker)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["speech", "language"]
        constraints = [models.UniqueConstraint(fields=["speech", "language"],
                                               name="audio_track_unique_language")]

    def __str__(self) -> str:
        return f"{self.speech.slug} [{self.language}]"


class Rendition(models.Model):
    """A version of a recording browsers can play or show, stored once by content.

    ``path`` is relative to the media directory: ``renditions/ab/<sha256>.<ext>`` (an HLS
    rendition is a folder named by its fingerprint). The fingerprint covers the recording's
    hash, the encoder options and what the rendition was made from, so an unchanged rendition
    is never encoded twice.
    """

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions")
    name = models.CharField(max_length=40, help_text="mp4-360, opus, mp3, poster, thumbnails…")
    kind = models.CharField(max_length=20)
    path = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    mime_type = models.CharField(max_length=100)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    duration_ms = models.BigIntegerField(default=0)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["asset", "kind", "-height", "name"]
        constraints = [models.UniqueConstraint(fields=["asset", "name"],
                                               name="rendition_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} of {self.asset.sha256[:12]}"
