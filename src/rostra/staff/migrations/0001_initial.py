"""EditorProfile and AuditEntry move here from review, tables and rows untouched.

Only Django's idea of where the models live changes: review's migration 0004 forgets them,
this one adopts them with the same tables, and their content types (which the roles'
permissions hang on) are relabelled, so every group keeps its rights.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("editorprofile", "auditentry")


def relabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # A "staff" row made by an earlier, interrupted upgrade holds no rights yet: drop it.
    ContentType.objects.filter(app_label="staff", model__in=MOVED).filter(
        model__in=ContentType.objects.filter(app_label="review", model__in=MOVED)
        .values("model")).delete()
    ContentType.objects.filter(app_label="review", model__in=MOVED).update(app_label="staff")


def label_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="staff", model__in=MOVED).update(app_label="review")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("review", "0003_moderators_change_comments"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EditorProfile",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("languages", models.JSONField(
                            blank=True, default=list,
                            help_text="ISO 639 codes this editor may edit; empty: all")),
                        ("user", models.OneToOneField(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="editor_profile", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "review_editorprofile"},
                ),
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("username", models.CharField(blank=True, max_length=150)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("action", models.CharField(db_index=True, max_length=60)),
                        ("object_type", models.CharField(help_text="app_label.model",
                                                         max_length=60)),
                        ("object_id", models.CharField(max_length=64)),
                        ("object_repr", models.CharField(blank=True, max_length=300)),
                        ("before", models.JSONField(blank=True, null=True)),
                        ("after", models.JSONField(blank=True, null=True)),
                        ("via", models.CharField(default="web", help_text="web, api or cli",
                                                 max_length=10)),
                        ("user", models.ForeignKey(
                            blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                            related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "review_auditentry",
                        "ordering": ["-created_at", "-id"],
                        "permissions": [
                            ("view_queue", "See the review queue and editor pages"),
                            ("edit_transcript", "Edit transcripts (in the editor's languages)"),
                            ("approve_language", "Approve a transcript language"),
                            ("publish_speech", "Publish and unpublish speeches"),
                            ("withdraw_speech", "Withdraw speeches from the site"),
                            ("manage_archive", "Create and change speeches, media and processing"),
                            ("moderate_comment", "Moderate reader comments"),
                            ("manage_tokens", "Create and revoke API tokens"),
                        ],
                        "indexes": [models.Index(fields=["object_type", "object_id"],
                                                 name="review_audi_object__4ce712_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, label_back),
    ]
