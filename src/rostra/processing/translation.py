"""Machine translation of transcripts: the configured engine, run with sentence context.

The processing pipeline calls :func:`translate_transcript` once per speech and target
language. With ``ROSTRA_MT_ENGINE=none``, or ``auto`` (the default) and no translation model
installed, it returns None and writes nothing: translations are absent, never faked, and every
surface says so (:func:`translation_choice` gives the one line they print).
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from django.conf import settings

from rostra.core.errors import UserError
from rostra.pipeline.mt.base import TranslationEngine, TranslationError
from rostra.pipeline.mt.selection import TranslationChoice, choose_translation
from rostra.pipeline.mt.sentences import TimedText, translate_cues
from rostra.processing.glossary import speech_glossary
from rostra.transcripts.domain import SegmentData, save_transcript
from rostra.transcripts.models import Transcript

GLOSSARY_TERM_LOST = "glossary-term-lost"  # a translated segment lost a program name

_engines: dict[tuple, TranslationEngine] = {}
_engines_lock = threading.Lock()


def translation_choice() -> TranslationChoice:
    """The engine in effect: ``auto`` resolved against the installed models."""
    from rostra.core.storage import model_cache_dir

    return choose_translation(settings.ROSTRA_MT_ENGINE, settings.ROSTRA_MT_MODEL,
                              model_cache=model_cache_dir())


def translation_status_line() -> str:
    """Whether translation is on, with which model, or the one command that switches it on."""
    return translation_choice().status_line(url=settings.ROSTRA_MT_URL)


def _mt_config() -> dict[str, Any]:
    config = {name: getattr(settings, f"ROSTRA_MT_{name}")
              for name in ("ENGINE", "MODEL", "URL", "API_KEY", "CHAT_MODEL", "BEAM_SIZE")}
    choice = translation_choice()
    config.update(ENGINE=choice.engine, MODEL=choice.model)
    return config


def build_translation_engine(config: dict[str, Any] | None = None) -> TranslationEngine | None:
    """The engine ROSTRA_MT_* describe, loaded once per process; None when it is ``none``.

    Raises TranslationError (e.g. TranslationModelError) when the configuration points at
    something that is not there.
    """
    config = config or _mt_config()
    kind = config["ENGINE"]
    if kind == "none":
        return None
    key = tuple(sorted((name, str(value)) for name, value in config.items()))
    with _engines_lock:
        if key not in _engines:
            _engines[key] = _new_engine(kind, config)
        return _engines[key]


def _new_engine(kind: str, config: dict[str, Any]) -> TranslationEngine:
    if kind == "ctranslate2":
        if not config["MODEL"]:
            raise TranslationError("ROSTRA_MT_ENGINE=ctranslate2 needs ROSTRA_MT_MODEL, the "
                                   "folder of a converted model (see docs/translation.md)")
        from rostra.pipeline.mt.ctranslate2_engine import CTranslate2Engine

        return CTranslate2Engine(config["MODEL"], beam_size=config["BEAM_SIZE"])
    if kind == "libretranslate":
        from rostra.pipeline.mt.libretranslate import LibreTranslateEngine

        return LibreTranslateEngine(config["URL"], api_key=config["API_KEY"])
    if kind == "openai":
        from rostra.pipeline.mt.openai_chat import OpenAIChatEngine

        return OpenAIChatEngine(config["URL"], chat_model=config["CHAT_MODEL"],
                                api_key=config["API_KEY"])
    raise TranslationError(f"unknown ROSTRA_MT_ENGINE {kind!r}")


def forget_engines() -> None:
    """Drop loaded engines (tests change the configuration between cases)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.close()
        _engines.clear()


def translation_fingerprint(source: Transcript, target_language: str,
                            engine: TranslationEngine) -> str:
    """Hash of the source text and timings + engine, model, options and target language."""
    digest = hashlib.sha256()
    provenance = engine.provenance(source.language, target_language).as_dict()
    digest.update(json.dumps([source.language, target_language, provenance],
                             sort_keys=True).encode("utf-8"))
    for segment in source.segments.order_by("position"):
        digest.update(f"{segment.start_ms}\t{segment.end_ms}\t{segment.text}\n".encode("utf-8"))
    glossary = speech_glossary(source.speech)
    if glossary:  # a corrected name's spelling makes the translation due again
        digest.update(json.dumps([term.spellings for term in glossary], sort_keys=True,
                                 ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def translate_transcript(source: Transcript, target_language: str, *,
                         replace_editor_work: bool = False) -> Transcript | None:
    """Translate ``source`` into ``target_language`` with the configured engine.

    Returns None (and writes nothing) when no engine is configured. Otherwise translates whole
    sentences, keeps the source's cue timings, and writes the machine translation (origin
    ``mt``, with engine, model, version, options and ``source``) in one transaction through
    ``save_transcript``, which then sends ``transcript_changed``. A human transcript in the
    target language is never touched. Raises UnsupportedLanguagePair, TranslationError or
    TemporaryTranslationError (temporary: worth retrying) and then writes nothing. A machine
    translation an editor worked on raises HumanWorkProtected, unless ``replace_editor_work``
    (the review screens' re-translation of stale segments, which merges the edits back).
    """
    if target_language == source.language:
        raise UserError(f"{source} is already in {target_language!r}; pick another language")
    engine = build_translation_engine()
    if engine is None:
        return None
    engine.check_pair(source.language, target_language)
    segments = list(source.segments.order_by("position"))
    cues = [TimedText(segment.start_ms, segment.end_ms, segment.text) for segment in segments]
    glossary = speech_glossary(source.speech)
    missing: dict[int, list[str]] = {}

    def note_missing(cue_index: int, term) -> None:
        names = missing.setdefault(cue_index, [])
        if term.spelling(target_language) not in names:
            names.append(term.spelling(target_language))

    translated = translate_cues(cues, engine=engine, source=source.language,
                                target=target_language, glossary=glossary,
                                on_missing_term=note_missing) if cues else []
    provenance = engine.provenance(source.language, target_language)
    options = dict(provenance.options, source_language=source.language, sentence_context=True)
    if glossary:
        options["glossary_terms"] = len(glossary)
    flags = [] if translated else ["empty-source"]
    if missing:
        # Which segments (by position) lost which names: the editor checks those first.
        options["glossary_missing"] = {str(index): names for index, names in sorted(missing.items())}
        flags.append(GLOSSARY_TERM_LOST)
    return save_transcript(
        speech=source.speech, language=target_language, origin=Transcript.Origin.MT,
        segments=[SegmentData(cue.start_ms, cue.end_ms, cue.text) for cue in translated],
        engine=provenance.engine, model=provenance.model, engine_version=provenance.version,
        options=options, fingerprint=translation_fingerprint(source, target_language, engine),
        source=source, flags=tuple(flags),
        replace_editor_work=replace_editor_work,
    )


def translation_engine_status() -> dict[str, Any]:
    """What translation is configured and whether its model is present (for ``models list``).

    Keys: engine, model, present (True/False, or None where it cannot be known without
    contacting a server), detail (one line for people). Never contacts a server.
    """
    config = _mt_config()
    kind = config["ENGINE"]
    if kind == "none":
        return {"engine": "none", "model": "", "present": False,
                "detail": translation_status_line()}
    if kind == "ctranslate2":
        model = config["MODEL"]
        if not model:
            return {"engine": kind, "model": "", "present": False,
                    "detail": "ROSTRA_MT_MODEL is empty; point it at a converted model folder"}
        from rostra.pipeline.mt.ctranslate2_engine import CTranslate2Engine

        try:
            engine = CTranslate2Engine(model, beam_size=config["BEAM_SIZE"])
            routes = engine.describe_layout()
        except TranslationError as exc:
            return {"engine": kind, "model": model, "present": False, "detail": str(exc)}
        return {"engine": kind, "model": model, "present": True, "detail": routes}
    url = config["URL"] or "(ROSTRA_MT_URL is empty)"
    model = config["CHAT_MODEL"] if kind == "openai" else url
    return {"engine": kind, "model": model, "url": url, "present": None if config["URL"] else False,
            "detail": f"server at {url}; not contacted (it is asked when translating)"}
