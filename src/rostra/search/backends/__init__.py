"""Search index backends: SQLite (FTS5 + sqlite-vec) and PostgreSQL (tsvector + pgvector).

``base`` defines what a backend is, ``registry.get_backend`` picks the one for this database.
"""
