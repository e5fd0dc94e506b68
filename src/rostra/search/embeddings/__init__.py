"""Multilingual sentence embeddings for cross-lingual search (see base.py)."""

from rostra.search.embeddings.base import EmbeddingEngine, get_embedding_engine

__all__ = ["EmbeddingEngine", "get_embedding_engine"]
