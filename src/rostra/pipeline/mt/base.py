"""The interface every translation engine implements, and the errors it may raise.

An engine translates a batch of plain-text sentences from one ISO 639-1 language to another,
says which pairs it supports, and describes itself (engine, model, version, options) so that
every machine translation in the archive records what made it. Built-in engines (CTranslate2
models, LibreTranslate, OpenAI-compatible chat) use this same interface an add-on would.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Sequence

from rostra.pipeline.types import PipelineError, TemporaryPipelineError


class TranslationError(PipelineError):
    """Translation failed in a way that will fail again: bad model, bad reply, bad request."""


class TemporaryTranslationError(TemporaryPipelineError, TranslationError):
    """The server is busy, restarting or unreachable: worth retrying later."""

    permanent = False


class UnsupportedLanguagePair(TranslationError):
    """The engine cannot translate between these two languages, not even through English."""


class TranslationModelError(TranslationError):
    """The configured translation model is missing, incomplete or of an unknown kind."""


@dataclass(frozen=True)
class TranslationProvenance:
    """What made a translation; stored with the transcript and used in fingerprints."""

    engine: str
    model: str
    version: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "model": self.model, "version": self.version,
                "options": dict(self.options)}


class TranslationEngine(ABC):
    """Base class of translation engines.

    Subclasses set ``engine`` and implement :meth:`translate_batch`, :meth:`supports` and
    :attr:`model`; they override :attr:`version` and :attr:`options` when they have them.
    ``translate_batch`` must return exactly one translation per input text, in order, and must
    raise (never return placeholder text) when it cannot translate.
    """

    engine: str = ""

    @property
    @abstractmethod
    def model(self) -> str:
        """The model's name or folder, as the user configured it."""

    @property
    def version(self) -> str:
        return ""

    @property
    def options(self) -> dict[str, Any]:
        """Options that change the output (beam size, pivot…); recorded as provenance."""
        return {}

    @abstractmethod
    def supports(self, source: str, target: str) -> bool:
        """Whether ``source`` → ``target`` (ISO 639-1) can be translated, directly or by pivot."""

    @abstractmethod
    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate each of ``texts``; one result per text, in order.

        Raises UnsupportedLanguagePair, TranslationError or TemporaryTranslationError.
        """

    def provenance(self, source: str | None = None, target: str | None = None
                   ) -> TranslationProvenance:
        """Engine, model, version and options; ``source``/``target`` let an engine say how
        it routed that pair (e.g. through English)."""
        return TranslationProvenance(self.engine, self.model, self.version, dict(self.options))

    def check_pair(self, source: str, target: str) -> None:
        if source == target:
            raise UnsupportedLanguagePair(f"source and target are both {source!r}")
        if not self.supports(source, target):
            raise UnsupportedLanguagePair(
                f"{self.engine} model {self.model or '(default)'} cannot translate "
                f"{source} → {target}, not even through English")

    def close(self) -> None:
        """Release the model or connections; engines are reusable until closed."""
