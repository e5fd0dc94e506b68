"""Machine translations of a speech's program text, approved by an editor like transcripts.

Why readers never see an unapproved machine title or abstract (unlike an unapproved machine
transcript, which is shown labelled): program text is what an archive is cited and found by.
It travels without its label into feeds, podcast apps, search engines' snippets, link
previews and other sites' citations, where "machine translation, not reviewed" cannot follow
it; a transcript stays on its page, under its label. So a machine translation waits here until
an editor of that language approves it (copied into the row, still labelled "machine
translation, reviewed" on the speech page) or writes their own text over it.
Personal names are not machine-translated: a name is transliterated by people, not translated.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from rostra.archive.models import Speech
from rostra.archive.signals import speech_changed
from rostra.core.errors import UserError
from rostra.core.multilingual import clean_texts
from rostra.review.domain.metadata_edits import (MetadataField, current_values,
                                                 editable_languages, metadata_fields)
from rostra.review.domain.translation import retranslation_refusal
from rostra.review.models import MachineMetadata
from rostra.staff import audit

NOT_TRANSLATED = {"names"}


def object_type(field: MetadataField) -> str:
    return f"{field.model._meta.app_label}.{field.model._meta.model_name}"


def pending_for(fields: list[MetadataField]) -> dict[tuple[str, str], MachineMetadata]:
    """``{(field key, language): row}`` of the unapproved machine texts of these fields."""
    by_object = {(object_type(f), f.pk, f.attr): f.key for f in fields}
    rows = MachineMetadata.objects.filter(
        approved_at__isnull=True, object_id__in={f.pk for f in fields})
    return {(by_object[(row.object_type, row.object_id, row.attr)], row.language): row
            for row in rows if (row.object_type, row.object_id, row.attr) in by_object}


def translate_missing_metadata(speech: Speech, *, user, via: str = "web") -> int:
    """Machine-translate every empty program text of ``speech`` into the languages ``user``
    edits, from the speech's spoken language (else the first language that has the text).

    Returns how many texts were translated. Raises UserError when no engine is configured.
    Side effects: MachineMetadata rows (unapproved; readers do not see them); one audit entry.
    """
    from rostra.pipeline.mt.base import TranslationError
    from rostra.processing.translation import build_translation_engine

    refusal = retranslation_refusal()
    if refusal is not None:
        raise refusal
    engine = build_translation_engine()
    languages = editable_languages(user)
    fields = [f for f in metadata_fields(speech) if f.attr not in NOT_TRANSLATED]
    values = current_values(fields)
    jobs: dict[tuple[str, str], list[tuple[MetadataField, str]]] = {}
    for field in fields:
        texts = clean_texts(values[field.key])
        if not texts:
            continue
        source = speech.original_language if speech.original_language in texts \
            else next(iter(texts))
        for target in languages:
            if target not in texts and engine.supports(source, target):
                jobs.setdefault((source, target), []).append((field, texts[source]))
    translated = 0
    with transaction.atomic():
        for (source, target), items in jobs.items():
            try:
                outputs = engine.translate_batch([text for _, text in items], source, target)
            except TranslationError as error:
                raise UserError(gettext_noop("translation %(source)s → %(target)s failed: "
                                             "%(error)s"),
                                params={"source": source, "target": target,
                                        "error": error}) from None
            for (field, _), output in zip(items, outputs):
                MachineMetadata.objects.update_or_create(
                    object_type=object_type(field), object_id=field.pk, attr=field.attr,
                    language=target, defaults={"text": output.strip(), "source_language": source,
                                               "engine": engine.engine, "model": engine.model,
                                               "approved_at": None, "approved_by": None})
                translated += 1
        if translated:
            audit.record(user=user, action="metadata.machine_translate", obj=speech, via=via,
                         after={"texts": translated, "engine": engine.engine,
                                "model": engine.model})
    return translated


def approve_machine_metadata(speech: Speech, *, user, language: str, via: str = "web") -> int:
    """Publish the pending machine texts of ``speech`` in ``language``: each is copied into its
    row where that row still has no text of its own in that language.

    Returns how many were copied. Raises UserError when ``user`` may not edit ``language``.
    Side effects: the rows; the MachineMetadata marked approved; an audit entry per row;
    speech_changed after commit.
    """
    if language not in editable_languages(user):
        raise UserError(gettext_noop("you may not approve text in %(language)s"),
                        params={"language": language})
    fields = metadata_fields(speech)
    pending = pending_for(fields)
    copied = 0
    with transaction.atomic():
        for field in fields:
            row = pending.get((field.key, language))
            if row is None:
                continue
            target = field.model.objects.select_for_update().get(pk=field.pk)
            texts = dict(getattr(target, field.attr) or {})
            if not (texts.get(language) or "").strip():
                before = dict(texts)
                texts[language] = row.text
                setattr(target, field.attr, texts)
                target.save(update_fields=[field.attr])
                audit.record(user=user, action="metadata.approve_machine", obj=target, via=via,
                             before={field.attr: before}, after={field.attr: texts})
                copied += 1
            row.approved_at, row.approved_by = timezone.now(), user
            row.save(update_fields=["approved_at", "approved_by"])
        transaction.on_commit(lambda: speech_changed.send(sender=Speech, speech=speech))
    return copied


def reviewed_machine_fields(speech: Speech, language: str,
                            attrs: tuple[str, ...] = ("title", "abstract")) -> set[str]:
    """Which of ``speech``'s ``attrs`` are, in ``language``, an approved machine text still as
    approved (an editor's later change makes it theirs): for the "machine translation" label.
    One query."""
    rows = MachineMetadata.objects.filter(object_type="archive.speech", object_id=speech.pk,
                                          attr__in=attrs, language=language,
                                          approved_at__isnull=False)
    return {row.attr for row in rows
            if (getattr(speech, row.attr) or {}).get(language) == row.text}
