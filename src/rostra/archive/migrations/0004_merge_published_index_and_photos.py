# Two branches each added an archive migration after 0001/0002 (merged into main together).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0002_latest_published_index"),
        ("archive", "0003_speaker_photo"),
    ]

    operations = []
