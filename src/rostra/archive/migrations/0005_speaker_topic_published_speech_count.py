"""Published-speech counts kept on speakers and topics (rostra.archive.domain.speech_counts),
computed here once from the links for archives that already have speeches."""

from django.db import migrations, models

from rostra.archive.domain.speech_counts import _published_links


def count_published_speeches(apps, schema_editor):
    Speaker = apps.get_model("archive", "Speaker")
    Topic = apps.get_model("archive", "Topic")
    SpeechSpeaker = apps.get_model("archive", "SpeechSpeaker")
    Speech = apps.get_model("archive", "Speech")
    Speaker.objects.update(published_speech_count=_published_links(SpeechSpeaker, "speaker"))
    Topic.objects.update(published_speech_count=_published_links(Speech.topics.through, "topic"))


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0004_latest_published_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="speaker",
            name="published_speech_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="published speeches linked to this row"),
        ),
        migrations.AddField(
            model_name="topic",
            name="published_speech_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="published speeches linked to this row"),
        ),
        migrations.RunPython(count_published_speeches, migrations.RunPython.noop),
    ]
