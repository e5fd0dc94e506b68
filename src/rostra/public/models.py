"""The one row that says when the public site last changed (rostra.public.pagecache)."""

from django.db import models


class ContentGeneration(models.Model):
    """A new random ``token`` each time public content changes; cached pages name the token
    they were rendered under, so a change anywhere makes every older page a miss at once, in
    every process and on every machine that shares the database."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()
