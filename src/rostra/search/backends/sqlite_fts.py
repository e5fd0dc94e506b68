"""The SQLite backend: FTS5 (BM25) over normalized text, and sqlite-vec for vectors.

The index is its own file, ``<data dir>/search-index.sqlite3``, not a table in Django's database:

* sqlite-vec is a loadable extension, and the Python built here (like many distribution and
  pyenv builds) has no ``enable_load_extension`` on its ``sqlite3`` module, so Django's
  connection cannot load it; the index is opened with ``pysqlite3`` (a wheel with its own recent
  SQLite, FTS5 and extension loading) when the standard module cannot load extensions;
* the index is derived data: deleting the file and running ``rostra search --reindex`` rebuilds
  it, and backups of the archive stay small;
* writing the index never holds the archive database's write lock.

Tables: ``search_doc`` (what a document is: speech, scope, language, times) and ``search_fts``
(FTS5, contentless, rowid = search_doc.id, speech and language kept as unindexed columns so a
query filters without a join); ``search_vec_doc`` and ``search_vec`` (vec0, cosine) for vectors.
Semantic queries read an in-process copy of the vectors (rostra.search.backends.vector_cache,
~10× faster than vec0's scan here) up to ``vector_cache.MAX_VECTORS``, the windows and metadata
only up to ``vector_cache.MAX_WINDOW_VECTORS``, and vec0's KNN beyond.
Documents are pre-tokenized by rostra.search.normalize and joined by spaces, so FTS5's ``ascii``
tokenizer (every non-ASCII character is a word character) splits exactly on those spaces.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

import numpy as np

import rostra.search.backends.vector_cache as vector_cache
from rostra.search.backends.base import (CUE_KIND, DocumentHit, SearchBackend, fts5_expression,
                                         fts5_near_expression, merge_entries)

log = logging.getLogger(__name__)

INDEX_FILE_NAME = "search-index.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS search_doc (
    id INTEGER PRIMARY KEY, speech_id INTEGER NOT NULL, scope TEXT NOT NULL, kind TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '', language TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '',
    transcript_id INTEGER, segment_id INTEGER, start_ms INTEGER, end_ms INTEGER);
CREATE INDEX IF NOT EXISTS search_doc_speech ON search_doc (speech_id, scope);
CREATE TABLE IF NOT EXISTS search_entry (
    speech_id INTEGER NOT NULL, scope TEXT NOT NULL, fingerprint TEXT NOT NULL,
    PRIMARY KEY (speech_id, scope));
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    text, speech_id UNINDEXED, language UNINDEXED, kind UNINDEXED,
    content='', contentless_delete=1, contentless_unindexed=1, tokenize='ascii');
CREATE TABLE IF NOT EXISTS search_vec_doc (
    id INTEGER PRIMARY KEY, speech_id INTEGER NOT NULL, scope TEXT NOT NULL, kind TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '', language TEXT NOT NULL,
    transcript_id INTEGER, segment_id INTEGER, start_ms INTEGER, end_ms INTEGER);
CREATE INDEX IF NOT EXISTS search_vec_doc_speech ON search_vec_doc (speech_id, scope);
CREATE INDEX IF NOT EXISTS search_vec_doc_transcript ON search_vec_doc (transcript_id, start_ms);
"""

DOC_COLUMNS = ("id", "speech_id", "scope", "kind", "field", "language", "origin",
               "transcript_id", "segment_id", "start_ms", "end_ms")


def sqlite_module():
    """A DB-API sqlite module that can load extensions (stdlib when it can, else pysqlite3)."""
    import sqlite3

    if hasattr(sqlite3.Connection, "enable_load_extension"):
        return sqlite3
    try:
        from pysqlite3 import dbapi2
    except ImportError:
        from rostra.core.errors import ConfigurationError

        raise ConfigurationError(
            "this Python's sqlite3 cannot load extensions (sqlite-vec); "
            "install pysqlite3-binary (pip install pysqlite3-binary)"
        ) from None
    return dbapi2


def connect_index(path: str | Path):
    """A connection to an index file with sqlite-vec loaded."""
    import sqlite_vec

    module = sqlite_module()
    connection = module.connect(str(path), timeout=30, isolation_level=None,
                                check_same_thread=False)
    connection.enable_load_extension(True)
    sqlite_vec.load(connection)
    connection.enable_load_extension(False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


_local = threading.local()


class SqliteBackend(SearchBackend):
    name = "sqlite"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @classmethod
    def for_data_dir(cls) -> "SqliteBackend":
        from django.conf import settings

        return cls(Path(settings.DATA_DIR) / INDEX_FILE_NAME)

    # --- connection and schema ---

    @property
    def connection(self):
        """One connection per thread and file; the schema is created on first use."""
        connections = getattr(_local, "connections", None)
        if connections is None:
            connections = _local.connections = {}
        key = str(self.path)
        connection = connections.get(key)
        if connection is None or not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = connect_index(self.path)
            connection.executescript(SCHEMA)
            connections[key] = connection
        return connection

    def close(self) -> None:
        connection = getattr(_local, "connections", {}).pop(str(self.path), None)
        if connection is not None:
            connection.close()

    def _meta(self, key: str) -> str:
        row = self.connection.execute("SELECT value FROM search_meta WHERE key = ?",
                                      (key,)).fetchone()
        return row[0] if row else ""

    def _set_meta(self, key: str, value: str) -> None:
        self.connection.execute(
            "INSERT INTO search_meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def vector_signature(self) -> str:
        return self._meta("vector_signature")

    def _vector_table_exists(self) -> bool:
        return self.connection.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'search_vec'").fetchone() is not None

    def _prepare_vectors(self, signature: str, dimension: int) -> None:
        """Create the vec0 table for this space; a new space drops the old vectors."""
        if self.vector_signature() == signature and self._vector_table_exists():
            return
        if self._vector_table_exists():
            log.warning("search: embedding model changed (%s → %s); old vectors dropped, "
                        "run `rostra search --reindex`", self.vector_signature(), signature)
        self.connection.execute("DROP TABLE IF EXISTS search_vec")
        self.connection.execute("DELETE FROM search_vec_doc")
        self.connection.execute(
            f"CREATE VIRTUAL TABLE search_vec USING vec0(speech_id integer, language text, "
            f"embedding float[{int(dimension)}] distance_metric=cosine)")
        self._set_meta("vector_signature", signature)

    # --- writing ---

    def _delete_scopes(self, speech_id: int, scopes: Sequence[str] | None,
                       vectors_too: bool) -> None:
        db = self.connection
        scope_sql, params = "", [speech_id]
        if scopes is not None:
            scope_sql = " AND scope IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(scopes)))
        ids = [row[0] for row in db.execute(
            f"SELECT id FROM search_doc WHERE speech_id = ?{scope_sql}", params)]
        db.execute(f"DELETE FROM search_entry WHERE speech_id = ?{scope_sql}", params)
        if ids:
            db.execute("DELETE FROM search_fts WHERE rowid IN (SELECT value FROM json_each(?))",
                       (json.dumps(ids),))
            db.execute("DELETE FROM search_doc WHERE id IN (SELECT value FROM json_each(?))",
                       (json.dumps(ids),))
        if vectors_too:
            vector_ids = [row[0] for row in db.execute(
                f"SELECT id FROM search_vec_doc WHERE speech_id = ?{scope_sql}", params)]
            if vector_ids:
                if self._vector_table_exists():
                    db.execute("DELETE FROM search_vec WHERE rowid IN "
                               "(SELECT value FROM json_each(?))", (json.dumps(vector_ids),))
                db.execute("DELETE FROM search_vec_doc WHERE id IN "
                           "(SELECT value FROM json_each(?))", (json.dumps(vector_ids),))

    def replace_documents(self, *, speech_id, scopes, documents, vectors, vector_signature="",
                          fingerprints=None):
        with self._write():
            self._delete_scopes(speech_id, scopes, vectors_too=vectors is not None)
            db = self.connection
            db.executemany("INSERT INTO search_entry (speech_id, scope, fingerprint) "
                           "VALUES (?, ?, ?)",
                           [(speech_id, scope, fingerprint)
                            for scope, fingerprint in (fingerprints or {}).items()])
            self._insert_documents(documents)
            if vectors is not None:
                self._set_meta("vector_generation", secrets.token_hex(8))
            if vectors:
                self._prepare_vectors(vector_signature, len(vectors[0].vector))
                self._insert_vectors(vectors)

    @contextmanager
    def _write(self):
        """One write transaction, or a part of the bulk load's (see :meth:`bulk_load`)."""
        db = self.connection
        bulk = getattr(_local, "bulk", None)
        if bulk is not None and bulk[0] == str(self.path):
            yield
            bulk[1] += 1
            if bulk[1] % bulk[2] == 0:
                db.execute("COMMIT")
                db.execute("BEGIN IMMEDIATE")
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @contextmanager
    def bulk_load(self, *, commit_every: int = 50):
        """Writes of this thread join one transaction per ``commit_every`` replacements (a
        full reindex: one transaction a speech made FTS5 flush ~5,000 small segments)."""
        db = self.connection
        db.execute("BEGIN IMMEDIATE")
        _local.bulk = [str(self.path), 0, max(1, int(commit_every))]
        try:
            yield
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            _local.bulk = None

    def _next_id(self, table: str) -> int:
        # What SQLite gives a rowid left NULL (no AUTOINCREMENT): one past the largest.
        return self.connection.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}"
                                       ).fetchone()[0]

    def _insert_documents(self, documents) -> None:
        """Rows and FTS entries in two executemany calls (one statement a row cost ~40 % of a
        speech's indexing); ids are assigned as SQLite would, one past the largest."""
        first = self._next_id("search_doc")
        db = self.connection
        db.executemany(
            "INSERT INTO search_doc (id, speech_id, scope, kind, field, language, origin, "
            "transcript_id, segment_id, start_ms, end_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(first + n, d.speech_id, d.scope, d.kind, d.field, d.language, d.origin,
              d.transcript_id, d.segment_id, d.start_ms, d.end_ms)
             for n, d in enumerate(documents)])
        db.executemany("INSERT INTO search_fts (rowid, text, speech_id, language, kind) "
                       "VALUES (?, ?, ?, ?, ?)",
                       [(first + n, d.text, d.speech_id, d.language, d.kind)
                        for n, d in enumerate(documents)])

    def _insert_vectors(self, vectors) -> None:
        first = self._next_id("search_vec_doc")
        db = self.connection
        db.executemany(
            "INSERT INTO search_vec_doc (id, speech_id, scope, kind, field, language, "
            "transcript_id, segment_id, start_ms, end_ms) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(first + n, v.speech_id, v.scope, v.kind, v.field, v.language, v.transcript_id,
              v.segment_id, v.start_ms, v.end_ms) for n, v in enumerate(vectors)])
        db.executemany("INSERT INTO search_vec (rowid, speech_id, language, embedding) "
                       "VALUES (?, ?, ?, ?)",
                       [(first + n, v.speech_id, v.language,
                         np.asarray(v.vector, dtype=np.float32).tobytes())
                        for n, v in enumerate(vectors)])

    def delete_speech(self, *, speech_id):
        with self._write():
            self._delete_scopes(speech_id, None, vectors_too=True)
            self._set_meta("vector_generation", secrets.token_hex(8))

    def clear(self):
        db = self.connection
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM search_fts")
            db.execute("DELETE FROM search_doc")
            db.execute("DELETE FROM search_entry")
            db.execute("DROP TABLE IF EXISTS search_vec")
            db.execute("DELETE FROM search_vec_doc")
            db.execute("DELETE FROM search_meta WHERE key = 'vector_signature'")
            self._set_meta("vector_generation", secrets.token_hex(8))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def optimize(self) -> None:
        """Merge FTS5 segments after a bulk load (faster queries, smaller file)."""
        self.connection.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")

    # --- reading ---

    @staticmethod
    def _filters(speech_ids, languages) -> tuple[str, list]:
        sql, params = "", []
        if speech_ids is not None:
            sql += " AND speech_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps([int(value) for value in speech_ids]))
        if languages:
            sql += " AND language IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(languages)))
        return sql, params

    def _documents(self, ids: list[int], table: str) -> dict[int, tuple]:
        if not ids:
            return {}
        columns = ("id, speech_id, kind, field, language, transcript_id, segment_id, "
                   "start_ms, end_ms")
        rows = self.connection.execute(
            f"SELECT {columns} FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),))
        return {row[0]: row for row in rows}

    @staticmethod
    def _hit(row: tuple, score: float) -> DocumentHit:
        _, speech_id, kind, field, language, transcript_id, segment_id, start, end = row
        return DocumentHit(speech_id=speech_id, kind=kind, language=language, score=score,
                           field=field, transcript_id=transcript_id, segment_id=segment_id,
                           start_ms=start, end_ms=end)

    def keyword_search(self, groups, *, speech_ids, languages, limit, any_group=False):
        return self._ranked_matches(fts5_expression(groups, any_group=any_group),
                                    speech_ids, languages, limit)

    def keyword_proximity(self, pairs, *, window, speech_ids, languages, limit):
        # BM25 of an OR of NEAR groups grows with the number of pairs a document has close.
        return self._ranked_matches(fts5_near_expression(pairs, window), speech_ids,
                                    languages, limit)

    def _ranked_matches(self, expression, speech_ids, languages, limit):
        if not expression or speech_ids is not None and not speech_ids:
            return []
        filters, params = self._filters(speech_ids, languages)
        rows = self.connection.execute(
            f"SELECT rowid, bm25(search_fts) FROM search_fts WHERE search_fts MATCH ?{filters} "
            f"ORDER BY rank LIMIT ?", [expression, *params, int(limit)]).fetchall()
        documents = self._documents([row[0] for row in rows], "search_doc")
        return [self._hit(documents[rowid], -score) for rowid, score in rows
                if rowid in documents]

    def keyword_match_counts(self, groups, *, speech_ids, languages, any_group=False):
        expression = fts5_expression(groups, any_group=any_group)
        if not expression or speech_ids is not None and not speech_ids:
            return {}
        filters, params = self._filters(speech_ids, languages)
        rows = self.connection.execute(
            f"SELECT speech_id, language, kind, count(*) FROM search_fts WHERE search_fts MATCH ?"
            f"{filters} GROUP BY speech_id, language, kind", [expression, *params])
        return {(speech_id, language, kind): count for speech_id, language, kind, count in rows}

    def _vector_counts(self, generation: str) -> tuple[int, int]:
        return vector_cache.vector_counts(
            str(self.path.resolve()), generation, lambda: self.connection.execute(
                "SELECT count(*), count(*) FILTER (WHERE kind != ?) FROM search_vec_doc",
                (CUE_KIND,)).fetchone())

    def _in_process_copy(self):
        """``(key, generation, load)`` of the in-process copy to search, or None for vec0."""
        generation = self._meta("vector_generation")
        counts = self._vector_counts(generation)
        return vector_cache.copy_for(
            str(self.path.resolve()), generation, counts, self._load_vectors,
            windows_beyond_limit=counts[1] <= vector_cache.MAX_WINDOW_VECTORS)

    def searches_cue_vectors(self) -> bool:
        # Cues are scanned while every vector fits the copy, and by vec0 beyond the windows'.
        counts = self._vector_counts(self._meta("vector_generation"))
        return vector_cache.all_in_memory(counts) or counts[1] > vector_cache.MAX_WINDOW_VECTORS

    def vector_search(self, vector, *, signature, speech_ids, languages, limit):
        if (not self._vector_table_exists() or self.vector_signature() != signature
                or speech_ids is not None and not speech_ids):
            return []
        copy = self._in_process_copy()
        if copy is None:
            return self._vector_search_knn(vector, speech_ids, languages, limit)
        key, generation, load = copy
        return vector_cache.search(key=key, generation=generation, load=load, query=vector,
                                   speech_ids=speech_ids, languages=languages, limit=limit)

    def vector_languages(self):
        copy = self._in_process_copy() if self._vector_table_exists() else None
        if copy is None:
            return None if self._vector_table_exists() else set()
        key, generation, load = copy
        return vector_cache.languages(key=key, generation=generation, load=load)

    def vector_search_by_language(self, vector, *, signature, speech_ids, languages, limit):
        if (not self._vector_table_exists() or self.vector_signature() != signature
                or speech_ids is not None and not speech_ids):
            return []
        copy = self._in_process_copy()
        if copy is None:
            return super().vector_search_by_language(vector, signature=signature,
                                                     speech_ids=speech_ids,
                                                     languages=languages, limit=limit)
        key, generation, load = copy
        return vector_cache.search_by_language(key=key, generation=generation, load=load,
                                               query=vector, speech_ids=speech_ids,
                                               languages=languages, limit=limit)

    def _load_vectors(self, cues: bool = True):
        rows = self.connection.execute(
            "SELECT d.speech_id, d.kind, d.field, d.language, d.transcript_id, d.segment_id, "
            "d.start_ms, d.end_ms, v.embedding FROM search_vec_doc d "
            "JOIN search_vec v ON v.rowid = d.id"
            + ("" if cues else " WHERE d.kind != ?") + " ORDER BY d.id",
            () if cues else (CUE_KIND,)).fetchall()
        if not rows:
            return [], np.zeros((0, 1), dtype=np.float32)
        matrix = np.frombuffer(b"".join(row[8] for row in rows),
                               dtype=np.float32).reshape(len(rows), -1)
        return [tuple(row[:8]) for row in rows], matrix

    def _vector_search_knn(self, vector, speech_ids, languages, limit):
        """sqlite-vec's own scan (vec0 KNN), for indexes too big to copy into memory."""
        filters, params = self._filters(speech_ids, languages)
        rows = self.connection.execute(
            f"SELECT rowid, distance FROM search_vec WHERE embedding MATCH ? AND k = ?{filters}",
            [np.asarray(vector, dtype=np.float32).tobytes(), int(min(limit, 4096)), *params],
        ).fetchall()
        documents = self._documents([row[0] for row in rows], "search_vec_doc")
        return [self._hit(documents[rowid], 1.0 - distance) for rowid, distance in rows
                if rowid in documents]

    def cue_vectors(self, *, transcript_id, start_ms, end_ms):
        if not self._vector_table_exists():
            return []
        generation = self._meta("vector_generation")
        if vector_cache.all_in_memory(self._vector_counts(generation)):
            # The semantic query that found the window has just loaded the copy in memory.
            return vector_cache.cue_vectors(
                key=str(self.path.resolve()), generation=generation,
                load=self._load_vectors, transcript_id=transcript_id, start_ms=start_ms,
                end_ms=end_ms)
        rows = self.connection.execute(
            "SELECT d.segment_id, d.start_ms, d.end_ms, v.embedding FROM search_vec_doc d "
            "JOIN search_vec v ON v.rowid = d.id WHERE d.transcript_id = ? AND d.kind = ? "
            "AND d.start_ms BETWEEN ? AND ? AND d.end_ms <= ? ORDER BY d.start_ms",
            (transcript_id, CUE_KIND, start_ms, end_ms, end_ms)).fetchall()
        return [(segment, start, end, np.frombuffer(blob, dtype=np.float32))
                for segment, start, end, blob in rows]

    def cue_vectors_of_windows(self, windows):
        windows = list(dict.fromkeys(windows))
        if not windows or not self._vector_table_exists() or vector_cache.all_in_memory(
                self._vector_counts(self._meta("vector_generation"))):
            return super().cue_vectors_of_windows(windows)
        found = {window: [] for window in windows}
        # CROSS JOIN keeps the windows outside: each is one range of the transcript index
        # (a cue inside starts before the window ends, which bounds the range).
        rows = self.connection.execute(
            "SELECT w.key, d.segment_id, d.start_ms, d.end_ms, v.embedding FROM json_each(?) w "
            "CROSS JOIN search_vec_doc d ON d.transcript_id = json_extract(w.value, '$[0]') "
            "AND d.start_ms BETWEEN json_extract(w.value, '$[1]') AND json_extract(w.value, "
            "'$[2]') AND d.end_ms <= json_extract(w.value, '$[2]') AND d.kind = ? "
            "JOIN search_vec v ON v.rowid = d.id ORDER BY w.key, d.start_ms",
            (json.dumps([list(window) for window in windows]), CUE_KIND)).fetchall()
        for number, segment, start, end, blob in rows:
            found[windows[number]].append((segment, start, end,
                                           np.frombuffer(blob, dtype=np.float32)))
        return found

    def indexed_entries(self):
        db = self.connection
        return merge_entries(
            db.execute("SELECT DISTINCT speech_id, scope FROM search_doc").fetchall(),
            db.execute("SELECT speech_id, scope, fingerprint FROM search_entry").fetchall())

    def stats(self):
        db = self.connection
        documents = db.execute("SELECT count(*) FROM search_doc").fetchone()[0]
        vectors = db.execute("SELECT count(*) FROM search_vec_doc").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        return {"backend": self.name, "path": str(self.path), "documents": documents,
                "vectors": vectors, "bytes": pages * page_size,
                "vector_signature": self.vector_signature()}

