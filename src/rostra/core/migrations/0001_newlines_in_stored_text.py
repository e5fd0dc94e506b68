"""Repair text saved before the editor normalized newlines: ``\r\n`` → ``\n``.

Segments and revision snapshots both, so old diffs and the next save compare like with like.
Only rows that hold a carriage return are touched; running it again changes nothing.

It lives in core (an app with no models) because it repairs two apps' rows at once, and so
it never competes with those apps' own migration numbers.
"""

from django.db import migrations


def normalized(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def repair(apps, schema_editor):
    Segment = apps.get_model("transcripts", "Segment")
    for segment in Segment.objects.filter(text__contains="\r").only("pk", "text").iterator():
        Segment.objects.filter(pk=segment.pk).update(text=normalized(segment.text))
    TranscriptRevision = apps.get_model("review", "TranscriptRevision")
    for revision in TranscriptRevision.objects.only("pk", "segments").iterator():
        rows = revision.segments or []
        if not any("\r" in (row.get("text") or "") for row in rows):
            continue
        for row in rows:
            row["text"] = normalized(row.get("text") or "")
        TranscriptRevision.objects.filter(pk=revision.pk).update(segments=rows)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0003_moderators_change_comments"),
        ("transcripts", "0001_initial"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
