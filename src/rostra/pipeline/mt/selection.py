"""Which translation engine and model are in use, from the settings and the model cache.

``ROSTRA_MT_ENGINE=auto`` (the default) means: the model ``ROSTRA_MT_MODEL`` names (a folder
or an installed model's name) if set, else the installed model :func:`preferred_model` picks,
else no translation. So ``rostra models fetch NAME`` is the one step that switches it on.
Every surface that says whether translation is on (``status``, ``process``, ``demo``, the
review screens) asks :func:`choose_translation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rostra.pipeline.mt.catalogue import DEFAULT_MODEL, find_catalogue_model
from rostra.pipeline.mt.installed import PAIR_FOLDERS, find_installed, preferred_model

AUTO = "auto"
NONE = "none"
CTRANSLATE2 = "ctranslate2"
SWITCH_ON_COMMAND = f"rostra models fetch {DEFAULT_MODEL}"


@dataclass(frozen=True)
class TranslationChoice:
    """The engine in effect (never ``auto``) and where its model is."""

    configured: str  # ROSTRA_MT_ENGINE as set
    engine: str  # none, ctranslate2, libretranslate, openai
    model: str = ""  # folder (ctranslate2) or "" (servers: see ROSTRA_MT_URL)
    model_name: str = ""  # the installed model's name when it came from the cache
    licence: str = ""

    @property
    def on(self) -> bool:
        return self.engine != NONE

    def status_line(self, *, url: str = "") -> str:
        """One line for people: on with which model, or off and the command to switch it on."""
        if self.engine == CTRANSLATE2:
            what = self.model_name or self.model
            licence = self.licence
            catalogued = find_catalogue_model(self.model_name) if self.model_name else None
            if catalogued is not None:
                licence = catalogued.licence_note
            return f"translation: on ({what}{', ' + licence if licence else ''})"
        if self.engine != NONE:
            return f"translation: on ({self.engine} at {url or '(ROSTRA_MT_URL is empty)'})"
        if self.configured == NONE:
            return ("translation: off (ROSTRA_MT_ENGINE=none); remove that setting to use an "
                    f"installed model, or install one with `{SWITCH_ON_COMMAND}`")
        return f"translation: off (no translation model installed); switch it on with " \
               f"`{SWITCH_ON_COMMAND}`"


def choose_translation(engine: str, model: str, *, model_cache: Path) -> TranslationChoice:
    """Resolve ROSTRA_MT_ENGINE / ROSTRA_MT_MODEL against the cache; reads manifests only."""
    engine = (engine or AUTO).strip()
    model = (model or "").strip()
    if engine in (AUTO, CTRANSLATE2) and model:
        installed = None if _looks_like_path(model) else find_installed(model_cache, model)
        if installed is not None:
            return _choice_of(engine, installed)
        return TranslationChoice(engine, CTRANSLATE2, model)
    if engine == AUTO:
        installed = preferred_model(model_cache)
        if installed is None:
            return TranslationChoice(engine, NONE)
        return _choice_of(engine, installed)
    return TranslationChoice(engine, engine, model)


def _choice_of(engine: str, installed) -> TranslationChoice:
    # Pair models are used together (their shared folder), so the choice names the family.
    name = PAIR_FOLDERS.get(installed.family, installed.name)
    return TranslationChoice(engine, CTRANSLATE2, str(installed.engine_path), name,
                             installed.licence)


def _looks_like_path(value: str) -> bool:
    return "/" in value or value.startswith((".", "~")) or Path(value).is_absolute()
