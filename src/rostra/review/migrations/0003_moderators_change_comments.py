"""Moderators (and admins) get the comments app's own permissions too, so the comments
moderation page (which asks for comments.change_comment) lets them in."""

from django.db import migrations

COMMENT_PERMISSIONS = ("change_comment", "view_comment")


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="comments",
                                            codename__in=COMMENT_PERMISSIONS)
    for name in ("moderator", "admin"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="comments",
                                            codename__in=COMMENT_PERMISSIONS)
    for group in Group.objects.filter(name__in=("moderator", "admin")):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0002_role_groups"),
        ("comments", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
