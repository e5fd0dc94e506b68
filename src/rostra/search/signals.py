"""Signals the search index sends, so the apps that show search results need not import it.

The index is written after the archive's own transaction commits (rostra.search.indexing), so a
page rendered between that commit and the index write shows the old results: this signal, sent
once the index holds the new ones, lets such pages go stale (rostra.public.pagecache)."""

from django.dispatch import Signal

# Sent after the index changed (a speech indexed or removed, the index rebuilt). No kwargs.
index_changed = Signal()
