"""What a program import may change without being asked: nothing a reader or an editor has seen.

A speech is protected when it is published (or withdrawn after being published) or when an
editor changed its metadata (an audited ``speech.update``). Changes to protected speeches are
listed in the import report and applied only with ``--update``; even then the fields an editor
changed keep the editor's value unless ``--force``. An event that already holds speeches is
only imported into by a program that shares at least one speech with it (same id or guid):
another program reusing the slug would otherwise rename the event and retitle its speeches.
"""

from __future__ import annotations

from dataclasses import dataclass

from rostra.archive.importers.types import ProgramData
from rostra.archive.models import Speech
from rostra.core.errors import UserError

PROTECTED_STATES = (Speech.State.PUBLISHED, Speech.State.WITHDRAWN)


@dataclass(frozen=True)
class ImportRules:
    """``update``: apply changes to protected speeches (and the event); ``force``: also over
    the fields editors changed."""

    update: bool = False
    force: bool = False


def check_same_program(program: ProgramData, *, rules: ImportRules) -> None:
    """Refuse (UserError) a program that shares no speech with the event it would write into."""
    existing = Speech.objects.filter(event__slug=program.event.slug)
    count = existing.count()
    if not count or rules.update:
        return
    ids = {data.external_id for data in program.speeches if data.external_id}
    guids = {data.guid for data in program.speeches if data.guid}
    if existing.filter(external_id__in=ids).exists() or existing.filter(guid__in=guids).exists():
        return
    raise UserError(f"this program shares no speech with the event {program.event.slug} "
                    f"({count} speeches already there): it looks like another program; import "
                    "it into its own event with --event NEW-SLUG, or pass --update to merge it "
                    f"into {program.event.slug}")


def edited_fields_by_speech(event) -> dict[int, set[str]]:
    """speech id → the metadata fields editors changed (from the audit log)."""
    from rostra.staff.models import AuditEntry

    ids = [str(pk) for pk in Speech.objects.filter(event=event).values_list("pk", flat=True)]
    edited: dict[int, set[str]] = {}
    entries = AuditEntry.objects.filter(object_type="archive.speech", action="speech.update",
                                        object_id__in=ids).values_list("object_id", "before",
                                                                       "after")
    for object_id, before, after in entries:
        before, after = before or {}, after or {}
        fields = {name for name in set(before) | set(after) if before.get(name) != after.get(name)}
        if fields:
            edited.setdefault(int(object_id), set()).update(fields)
    return edited


def protection(speech: Speech, edited: set[str]) -> str:
    """Why an import may not change ``speech`` unasked ("" when it may)."""
    if speech.state in PROTECTED_STATES:
        return "published"
    if edited:
        return "edited by an editor"
    return ""


def audit_import(obj, *, action: str, before: dict, after: dict) -> None:
    from rostra.staff import audit

    audit.record(user=None, action=action, obj=obj, before=before, after=after, via="cli")
