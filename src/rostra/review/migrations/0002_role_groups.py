"""Create the admin, editor and moderator groups with their permissions."""

from django.db import migrations

ROLE_PERMISSIONS = {
    "admin": ("view_queue", "edit_transcript", "approve_language", "publish_speech",
              "withdraw_speech", "manage_archive", "moderate_comment", "manage_tokens"),
    "editor": ("view_queue", "edit_transcript", "approve_language", "publish_speech"),
    "moderator": ("moderate_comment",),
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create ours now so the
    # groups can hold them on a fresh database.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("review")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="review",
                                                codename__in=codenames)
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
