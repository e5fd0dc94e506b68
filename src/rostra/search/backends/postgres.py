"""The PostgreSQL backend: tsvector + GIN over normalized text, pgvector for vectors.

Text arrives pre-tokenized (rostra.search.normalize), so the backend builds the tsvector and
the tsquery from those terms itself (``'term':1 'term':2`` and ``('a' & 'b') | 'ab'``, every
term a quoted literal, passed as a parameter and cast) instead of letting a text search
configuration parse them: the stored lexemes are exactly the terms the SQLite backend stores,
so both backends match the same documents. Ranking is ``ts_rank`` (normalized by length).

Vectors use pgvector (``vector(n)``, cosine distance ``<=>``, exact scan) when the extension
can be created; when it is not installed on the server (Debian 12 has no package for
PostgreSQL 15), vectors are stored as ``bytea`` and compared exactly in this process with
numpy (rostra.search.backends.vector_cache). Both give the same neighbours.

By default the tables live in Django's database (created on first use); a ``dsn`` points the
backend at another database (the test suite uses that to run PostgreSQL beside SQLite).
"""

from __future__ import annotations

import logging
import secrets
from contextlib import contextmanager

import numpy as np

import rostra.search.backends.vector_cache as vector_cache
from rostra.search.backends.base import (CUE_KIND, DocumentHit, SearchBackend,
                                         merge_entries, tsquery_expression,
                                         tsquery_near_expression)

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS search_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS search_doc (
    id bigserial PRIMARY KEY, speech_id bigint NOT NULL, scope text NOT NULL, kind text NOT NULL,
    field text NOT NULL DEFAULT '', language text NOT NULL, origin text NOT NULL DEFAULT '',
    transcript_id bigint, segment_id bigint, start_ms bigint, end_ms bigint,
    terms tsvector NOT NULL);
CREATE INDEX IF NOT EXISTS search_doc_terms ON search_doc USING gin (terms);
CREATE INDEX IF NOT EXISTS search_doc_speech ON search_doc (speech_id, scope);
CREATE TABLE IF NOT EXISTS search_entry (
    speech_id bigint NOT NULL, scope text NOT NULL, fingerprint text NOT NULL,
    PRIMARY KEY (speech_id, scope));
"""

VECTOR_COLUMNS = ("speech_id bigint NOT NULL, scope text NOT NULL, kind text NOT NULL, "
                  "field text NOT NULL DEFAULT '', language text NOT NULL, transcript_id bigint, "
                  "segment_id bigint, start_ms bigint, end_ms bigint")

# What a vector hit carries, in vector_cache.Metadata's order.
METADATA_COLUMNS = ("speech_id, kind, field, language, transcript_id, segment_id, start_ms, "
                    "end_ms")

# tsvector positions stop at 16383 and a lexeme at 2 KB: long texts keep their first terms.
MAX_POSITIONS = 16000
MAX_TERM_BYTES = 1000



def tsvector_literal(text: str) -> str:
    """``'term':1 'term':2 …`` for space-separated terms."""
    lexemes = []
    for position, term in enumerate(text.split()[:MAX_POSITIONS], start=1):
        term = term.encode("utf-8")[:MAX_TERM_BYTES].decode("utf-8", "ignore")
        lexemes.append("'" + term.replace("\\", "\\\\").replace("'", "''") + f"':{position}")
    return " ".join(lexemes)


def copy_rows(cursor, table_and_columns: str, rows) -> None:
    """Insert ``rows`` with COPY (psycopg 3; ~5× an executemany of the same rows, which cost
    most of a speech's indexing); text values (tsvector, vector literals) are parsed by the
    columns' types as an INSERT's casts would. Ids come from the sequence in row order."""
    copy = getattr(cursor, "copy", None)
    if copy is None:  # a driver without COPY: the same rows, one INSERT each
        columns = table_and_columns[table_and_columns.index("(") + 1:-1].split(",")
        cursor.executemany(f"INSERT INTO {table_and_columns} VALUES "
                           f"({','.join(['%s'] * len(columns))})", rows)
        return
    with copy(f"COPY {table_and_columns} FROM STDIN") as stream:
        for row in rows:
            stream.write_row(row)


class PostgresBackend(SearchBackend):
    name = "postgresql"

    def __init__(self, dsn: str | None = None) -> None:
        self.dsn = dsn
        self._psycopg = None
        self._schema_ready = False
        self._pgvector: bool | None = None

    # --- connection ---

    @contextmanager
    def _cursor(self):
        if self.dsn is None:
            from django.db import connection

            with connection.cursor() as cursor:
                yield cursor
            return
        if self._psycopg is None or self._psycopg.closed:
            import psycopg

            self._psycopg = psycopg.connect(self.dsn, autocommit=True)
        with self._psycopg.cursor() as cursor:
            yield cursor

    @contextmanager
    def _transaction(self):
        if self.dsn is None:
            from django.db import transaction

            with transaction.atomic():
                yield
            return
        with self._cursor():
            pass  # opens the connection
        with self._psycopg.transaction():
            yield

    def close(self) -> None:
        if self._psycopg is not None:
            self._psycopg.close()
            self._psycopg = None

    @property
    def _cache_key(self) -> str:
        if self.dsn is not None:
            return self.dsn
        from django.db import connection

        return "django:" + str(connection.settings_dict.get("NAME"))

    def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        with self._cursor() as cursor:
            # search_entry came after search_doc: an older index gains it here.
            cursor.execute("SELECT to_regclass('search_entry') IS NOT NULL")
            if not cursor.fetchone()[0]:
                for statement in filter(str.strip, SCHEMA.split(";")):
                    cursor.execute(statement)
        self._schema_ready = True

    def _meta(self, key: str) -> str:
        self.ensure_schema()
        with self._cursor() as cursor:
            cursor.execute("SELECT value FROM search_meta WHERE key = %s", [key])
            row = cursor.fetchone()
        return row[0] if row else ""

    def _set_meta(self, cursor, key: str, value: str) -> None:
        cursor.execute("INSERT INTO search_meta (key, value) VALUES (%s, %s) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])

    def vector_signature(self) -> str:
        return self._meta("vector_signature")

    def has_pgvector(self) -> bool:
        """Whether the ``vector`` extension is (or can be made) available."""
        if self._pgvector is None:
            with self._cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'")
                installed = cursor.fetchone() is not None
                if not installed:
                    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
                    if cursor.fetchone() is not None:
                        try:
                            with self._transaction(), self._cursor() as inner:
                                inner.execute("CREATE EXTENSION IF NOT EXISTS vector")
                            installed = True
                        except Exception as exc:  # no privilege: fall back, say why once
                            log.warning("search: cannot create extension vector (%s)", exc)
            self._pgvector = installed
        return self._pgvector

    def _vector_table_exists(self, cursor) -> bool:
        cursor.execute("SELECT to_regclass('search_vec') IS NOT NULL")
        return cursor.fetchone()[0]

    def _prepare_vectors(self, cursor, signature: str, dimension: int) -> None:
        cursor.execute("SELECT value FROM search_meta WHERE key = 'vector_signature'")
        row = cursor.fetchone()
        if row and row[0] == signature and self._vector_table_exists(cursor):
            return
        if self._vector_table_exists(cursor):
            log.warning("search: embedding model changed; old vectors dropped, "
                        "run `rostra search --reindex`")
        column = f"vector({int(dimension)})" if self.has_pgvector() else "bytea"
        cursor.execute("DROP TABLE IF EXISTS search_vec")
        cursor.execute(f"CREATE TABLE search_vec (id bigserial PRIMARY KEY, {VECTOR_COLUMNS}, "
                       f"embedding {column} NOT NULL)")
        cursor.execute("CREATE INDEX search_vec_speech ON search_vec (speech_id, scope)")
        cursor.execute("CREATE INDEX search_vec_transcript ON search_vec (transcript_id, start_ms)")
        self._set_meta(cursor, "vector_signature", signature)

    # --- writing ---

    def replace_documents(self, *, speech_id, scopes, documents, vectors, vector_signature="",
                          fingerprints=None):
        self.ensure_schema()
        scopes = list(scopes)
        with self._transaction(), self._cursor() as cursor:
            cursor.execute("DELETE FROM search_doc WHERE speech_id = %s AND scope = ANY(%s)",
                           [speech_id, scopes])
            cursor.execute("DELETE FROM search_entry WHERE speech_id = %s AND scope = ANY(%s)",
                           [speech_id, scopes])
            if fingerprints:
                cursor.executemany(
                    "INSERT INTO search_entry (speech_id, scope, fingerprint) VALUES (%s,%s,%s)",
                    [(speech_id, scope, fingerprint)
                     for scope, fingerprint in fingerprints.items()])
            rows = [(d.speech_id, d.scope, d.kind, d.field, d.language, d.origin,
                     d.transcript_id, d.segment_id, d.start_ms, d.end_ms,
                     tsvector_literal(d.text)) for d in documents]
            if rows:
                copy_rows(cursor, "search_doc (speech_id, scope, kind, field, language, origin, "
                          "transcript_id, segment_id, start_ms, end_ms, terms)", rows)
            if vectors is not None:
                if self._vector_table_exists(cursor):
                    cursor.execute("DELETE FROM search_vec WHERE speech_id = %s "
                                   "AND scope = ANY(%s)", [speech_id, scopes])
                if vectors:
                    self._prepare_vectors(cursor, vector_signature, len(vectors[0].vector))
                    self._insert_vectors(cursor, vectors)
                self._set_meta(cursor, "vector_generation", secrets.token_hex(8))

    def _insert_vectors(self, cursor, vectors) -> None:
        pgvector = self.has_pgvector()
        rows = []
        for v in vectors:
            array = np.asarray(v.vector, dtype=np.float32)
            embedding = ("[" + ",".join(f"{x:.7g}" for x in array) + "]") if pgvector \
                else array.tobytes()
            rows.append((v.speech_id, v.scope, v.kind, v.field, v.language, v.transcript_id,
                         v.segment_id, v.start_ms, v.end_ms, embedding))
        copy_rows(cursor, "search_vec (speech_id, scope, kind, field, language, "
                  "transcript_id, segment_id, start_ms, end_ms, embedding)", rows)

    @contextmanager
    def bulk_load(self):
        """A full reindex: the GIN index of the terms is dropped for the load and built once
        after it (kept up row by row it cost most of a 5,140-speech load); the b-tree
        indexes stay, as each speech's replacement deletes its old rows by them."""
        self.ensure_schema()
        with self._cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS search_doc_terms")
        try:
            yield
        finally:
            with self._cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
                cursor.execute("CREATE INDEX IF NOT EXISTS search_doc_terms ON search_doc "
                               "USING gin (terms)")
                cursor.execute("RESET maintenance_work_mem")
                cursor.execute("ANALYZE search_doc")
                if self._vector_table_exists(cursor):
                    cursor.execute("ANALYZE search_vec")

    def delete_speech(self, *, speech_id):
        self.ensure_schema()
        with self._transaction(), self._cursor() as cursor:
            cursor.execute("DELETE FROM search_doc WHERE speech_id = %s", [speech_id])
            cursor.execute("DELETE FROM search_entry WHERE speech_id = %s", [speech_id])
            if self._vector_table_exists(cursor):
                cursor.execute("DELETE FROM search_vec WHERE speech_id = %s", [speech_id])
                self._set_meta(cursor, "vector_generation", secrets.token_hex(8))

    def clear(self):
        self.ensure_schema()
        with self._transaction(), self._cursor() as cursor:
            cursor.execute("TRUNCATE search_doc")
            cursor.execute("TRUNCATE search_entry")
            cursor.execute("DROP TABLE IF EXISTS search_vec")
            cursor.execute("DELETE FROM search_meta")

    # --- reading ---

    @staticmethod
    def _filters(speech_ids, languages) -> tuple[str, list]:
        sql, params = "", []
        if speech_ids is not None:
            sql += " AND speech_id = ANY(%s)"
            params.append([int(value) for value in speech_ids])
        if languages:
            sql += " AND language = ANY(%s)"
            params.append(list(languages))
        return sql, params

    def keyword_search(self, groups, *, speech_ids, languages, limit, any_group=False):
        return self._ranked_matches(tsquery_expression(groups, any_group=any_group),
                                    speech_ids, languages, limit)

    def keyword_proximity(self, pairs, *, window, speech_ids, languages, limit):
        # ts_rank of an OR of <N> phrases grows with the number of pairs a document has close.
        return self._ranked_matches(tsquery_near_expression(pairs, window), speech_ids,
                                    languages, limit)

    def _ranked_matches(self, expression, speech_ids, languages, limit):
        if not expression or speech_ids is not None and not speech_ids:
            return []
        self.ensure_schema()
        filters, params = self._filters(speech_ids, languages)
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT speech_id, kind, field, language, transcript_id, segment_id, start_ms, "
                "end_ms, ts_rank(terms, query, 1) AS score FROM search_doc, "
                f"CAST(%s AS tsquery) AS query WHERE terms @@ query{filters} "
                "ORDER BY score DESC, id LIMIT %s", [expression, *params, int(limit)])
            rows = cursor.fetchall()
        return [DocumentHit(speech_id=r[0], kind=r[1], field=r[2], language=r[3],
                            transcript_id=r[4], segment_id=r[5], start_ms=r[6], end_ms=r[7],
                            score=float(r[8])) for r in rows]

    def keyword_match_counts(self, groups, *, speech_ids, languages, any_group=False):
        expression = tsquery_expression(groups, any_group=any_group)
        if not expression or speech_ids is not None and not speech_ids:
            return {}
        self.ensure_schema()
        filters, params = self._filters(speech_ids, languages)
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT speech_id, language, kind, count(*) FROM search_doc WHERE "
                f"terms @@ CAST(%s AS tsquery){filters} GROUP BY speech_id, language, kind",
                [expression, *params])
            return {(speech_id, language, kind): count
                    for speech_id, language, kind, count in cursor}

    def vector_search(self, vector, *, signature, speech_ids, languages, limit):
        if speech_ids is not None and not speech_ids:
            return []
        if self.vector_signature() != signature:
            return []
        query = np.asarray(vector, dtype=np.float32)
        if self.has_pgvector():
            filters, params = self._filters(speech_ids, languages)
            literal = "[" + ",".join(f"{x:.7g}" for x in query) + "]"
            with self._cursor() as cursor:
                cursor.execute(
                    f"SELECT {METADATA_COLUMNS}, 1 - (embedding <=> %s::vector) AS score "
                    f"FROM search_vec WHERE true{filters} ORDER BY embedding <=> %s::vector "
                    "LIMIT %s", [literal, *params, literal, int(limit)])
                rows = cursor.fetchall()
            return [DocumentHit(speech_id=r[0], kind=r[1], field=r[2], language=r[3],
                                transcript_id=r[4], segment_id=r[5], start_ms=r[6], end_ms=r[7],
                                score=float(r[8])) for r in rows]
        key, generation, load = self._in_process_copy()
        return vector_cache.search(key=key, generation=generation, load=load, query=query,
                                   speech_ids=speech_ids, languages=languages, limit=limit)

    def vector_languages(self):
        if self.has_pgvector():
            return None
        if not self.vector_signature():
            return set()
        key, generation, load = self._in_process_copy()
        return vector_cache.languages(key=key, generation=generation, load=load)

    def searches_cue_vectors(self) -> bool:
        # pgvector scans every vector; the in-process copy holds cues while they fit.
        return self.has_pgvector() or vector_cache.all_in_memory(
            self._vector_counts(self._meta("vector_generation")))

    def _vector_counts(self, generation: str) -> tuple[int, int]:
        def count():
            with self._cursor() as cursor:
                cursor.execute("SELECT count(*), count(*) FILTER (WHERE kind != %s) "
                               "FROM search_vec", [CUE_KIND])
                return cursor.fetchone()

        return vector_cache.vector_counts(self._cache_key, generation, count)

    def _in_process_copy(self):
        """The copy to search without pgvector (the windows alone beyond the limit: there is
        no other scan here)."""
        generation = self._meta("vector_generation")
        return vector_cache.copy_for(self._cache_key, generation,
                                     self._vector_counts(generation), self._load_vectors,
                                     windows_beyond_limit=True)

    def cue_vectors(self, *, transcript_id, start_ms, end_ms):
        if not self.has_pgvector() and self.vector_signature():
            generation = self._meta("vector_generation")
            if vector_cache.all_in_memory(self._vector_counts(generation)):
                return vector_cache.cue_vectors(
                    key=self._cache_key, generation=generation,
                    load=lambda: self._load_vectors(True), transcript_id=transcript_id,
                    start_ms=start_ms, end_ms=end_ms)
        self.ensure_schema()
        with self._cursor() as cursor:
            if not self._vector_table_exists(cursor):
                return []
            embedding = "embedding::real[]" if self.has_pgvector() else "embedding"
            cursor.execute(
                f"SELECT segment_id, start_ms, end_ms, {embedding} FROM search_vec "
                "WHERE transcript_id = %s AND kind = %s AND start_ms BETWEEN %s AND %s "
                "AND end_ms <= %s ORDER BY start_ms",
                [transcript_id, CUE_KIND, start_ms, end_ms, end_ms])
            rows = cursor.fetchall()
        return [(segment, start, end, np.asarray(value, dtype=np.float32)
                 if not isinstance(value, (bytes, memoryview))
                 else np.frombuffer(bytes(value), dtype=np.float32))
                for segment, start, end, value in rows]

    def cue_vectors_of_windows(self, windows):
        windows = list(dict.fromkeys(windows))
        if not windows or not self.has_pgvector() and self.vector_signature() and \
                vector_cache.all_in_memory(
                    self._vector_counts(self._meta("vector_generation"))):
            return super().cue_vectors_of_windows(windows)
        self.ensure_schema()
        found = {window: [] for window in windows}
        with self._cursor() as cursor:
            if not self._vector_table_exists(cursor):
                return found
            embedding = "v.embedding::real[]" if self.has_pgvector() else "v.embedding"
            cursor.execute(
                f"SELECT w.n, v.segment_id, v.start_ms, v.end_ms, {embedding} "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) WITH ORDINALITY "
                "AS w(transcript_id, start_ms, end_ms, n) JOIN search_vec v "
                "ON v.transcript_id = w.transcript_id "
                # A cue inside starts before the window ends: the index range stays the window.
                "AND v.start_ms BETWEEN w.start_ms AND w.end_ms "
                "AND v.end_ms <= w.end_ms AND v.kind = %s ORDER BY w.n, v.start_ms",
                [[w[0] for w in windows], [w[1] for w in windows], [w[2] for w in windows],
                 CUE_KIND])
            rows = cursor.fetchall()
        for number, segment, start, end, value in rows:
            found[windows[number - 1]].append((
                segment, start, end, np.asarray(value, dtype=np.float32)
                if not isinstance(value, (bytes, memoryview))
                else np.frombuffer(bytes(value), dtype=np.float32)))
        return found

    def vector_search_by_language(self, vector, *, signature, speech_ids, languages, limit):
        if self.has_pgvector() or self.vector_signature() != signature or (
                speech_ids is not None and not speech_ids):
            return super().vector_search_by_language(vector, signature=signature,
                                                     speech_ids=speech_ids,
                                                     languages=languages, limit=limit)
        key, generation, load = self._in_process_copy()
        return vector_cache.search_by_language(
            key=key, generation=generation, load=load, query=np.asarray(vector, dtype=np.float32),
            speech_ids=speech_ids, languages=languages, limit=limit)

    def _load_vectors(self, cues: bool = True) -> tuple[list, np.ndarray]:
        with self._cursor() as cursor:
            cursor.execute(f"SELECT {METADATA_COLUMNS}, embedding FROM search_vec"
                           + ("" if cues else " WHERE kind != %s") + " ORDER BY id",
                           [] if cues else [CUE_KIND])
            rows = cursor.fetchall()
        if not rows:
            return [], np.zeros((0, 1), dtype=np.float32)
        matrix = np.frombuffer(b"".join(bytes(row[8]) for row in rows),
                               dtype=np.float32).reshape(len(rows), -1)
        return [tuple(row[:8]) for row in rows], matrix

    def indexed_entries(self):
        self.ensure_schema()
        with self._cursor() as cursor:
            cursor.execute("SELECT DISTINCT speech_id, scope FROM search_doc")
            documents = cursor.fetchall()
            cursor.execute("SELECT speech_id, scope, fingerprint FROM search_entry")
            entries = cursor.fetchall()
        return merge_entries(documents, entries)

    def stats(self):
        self.ensure_schema()
        with self._cursor() as cursor:
            cursor.execute("SELECT count(*), pg_total_relation_size('search_doc') FROM search_doc")
            documents, size = cursor.fetchone()
            vectors = 0
            if self._vector_table_exists(cursor):
                cursor.execute("SELECT count(*), pg_total_relation_size('search_vec') "
                               "FROM search_vec")
                vectors, vector_size = cursor.fetchone()
                size += vector_size
        return {"backend": self.name, "documents": documents, "vectors": vectors, "bytes": size,
                "pgvector": self.has_pgvector(), "vector_signature": self.vector_signature()}
