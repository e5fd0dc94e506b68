"""Search index backends: SQLite (FTS5 + sqlite-vec) and PostgreSQL (tsvector + pgvector)."""

from rostra.search.backends.base import (DocumentHit, IndexDocument, SearchBackend, VectorDocument,
                                         get_backend)

__all__ = ["DocumentHit", "IndexDocument", "SearchBackend", "VectorDocument", "get_backend"]
