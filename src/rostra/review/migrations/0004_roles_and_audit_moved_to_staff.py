"""EditorProfile and AuditEntry now belong to rostra.staff (its migration 0001 adopts the same
tables); review only forgets them, touching no table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0003_moderators_change_comments"),
        ("staff", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="EditorProfile"),
                migrations.DeleteModel(name="AuditEntry"),
            ],
            database_operations=[],
        ),
    ]
