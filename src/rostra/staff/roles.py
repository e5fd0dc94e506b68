"""The three roles and what each may do.

admin: everything. editor: the queue, transcripts, approval and publishing, limited to the
languages of their EditorProfile (none listed: all). moderator: reader comments only.
Roles are Django groups holding the permissions declared on AuditEntry (review's migration 0002
made them; they moved here with the model); a superuser has every permission. Every page and
API endpoint, in review, comments and api alike, asks these functions.
"""

from __future__ import annotations

from django.conf import settings

ADMIN, EDITOR, MODERATOR = "admin", "editor", "moderator"
APP_LABEL = "staff"  # the app whose model declares the permissions

ROLE_PERMISSIONS = {
    ADMIN: ("view_queue", "edit_transcript", "approve_language", "publish_speech",
            "withdraw_speech", "manage_archive", "moderate_comment", "manage_tokens"),
    EDITOR: ("view_queue", "edit_transcript", "approve_language", "publish_speech"),
    MODERATOR: ("moderate_comment",),
}


def has(user, codename: str) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(f"{APP_LABEL}.{codename}"))


def editable_languages(user) -> list[str]:
    """The languages ``user`` may edit and approve ([] when they may not edit at all)."""
    if not has(user, "edit_transcript"):
        return []
    archive_languages = list(settings.ROSTRA_LANGUAGES)
    if user.is_superuser:
        return archive_languages
    profile = getattr(user, "editor_profile", None) if _has_profile(user) else None
    if profile is None or not profile.languages:
        return archive_languages
    return [code for code in profile.languages]


def _has_profile(user) -> bool:
    from rostra.staff.models import EditorProfile

    try:
        return user.editor_profile is not None
    except EditorProfile.DoesNotExist:
        return False


def can_edit_language(user, language: str) -> bool:
    return language in editable_languages(user)


def can_approve_language(user, language: str) -> bool:
    return has(user, "approve_language") and can_edit_language(user, language)


def can_publish(user, languages) -> bool:
    """Publishing a language needs the right to approve it: an editor of Persian cannot
    publish the Arabic version."""
    return has(user, "publish_speech") and all(can_edit_language(user, code)
                                               for code in languages)


def can_unpublish(user) -> bool:
    """Taking a speech offline affects every language: only an editor of all of them."""
    return has(user, "publish_speech") and set(settings.ROSTRA_LANGUAGES) <= set(
        editable_languages(user))


def can_withdraw(user) -> bool:
    return has(user, "withdraw_speech")


def can_manage_archive(user) -> bool:
    return has(user, "manage_archive")


def can_moderate(user) -> bool:
    return has(user, "moderate_comment")


def can_manage_tokens(user) -> bool:
    return has(user, "manage_tokens")


def role_names(user) -> list[str]:
    if not user or not user.is_authenticated:
        return []
    if user.is_superuser:
        return [ADMIN]
    return sorted(user.groups.values_list("name", flat=True))


def ensure_role_groups() -> None:
    """Create the three groups with their permissions if missing (the migration does this on
    a fresh database; a flushed test database or a hand-edited one may lack them)."""
    from django.contrib.auth.models import Group, Permission

    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label=APP_LABEL,
                                                         codename__in=codenames))
        if name in (ADMIN, MODERATOR):  # the comments moderation page asks for these
            group.permissions.add(*Permission.objects.filter(
                content_type__app_label="comments",
                codename__in=("change_comment", "view_comment")))
