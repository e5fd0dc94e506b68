"""Filters on speeches shared by the website, the search and the API."""

from __future__ import annotations


def filter_speeches(speeches, *, event=None, session=None, topic=None, speaker=None,
                    country=None):
    """Narrow a Speech queryset by slugs (and a speaker's ISO country); empty means no filter."""
    if event:
        speeches = speeches.filter(event__slug=event)
    if session:
        speeches = speeches.filter(session__slug=session)
    if topic:
        speeches = speeches.filter(topics__slug=topic)
    if speaker:
        speeches = speeches.filter(speakers__slug=speaker)
    if country:
        speeches = speeches.filter(speakers__country=str(country).upper()[:2])
    return speeches


def in_language(speeches, language: str):
    """Speeches published in ``language`` or spoken in it, decided by the database.

    ``published_languages`` is a JSON list: PostgreSQL tests membership with jsonb ``@>``;
    SQLite (whose JSON fields have no ``contains`` lookup) with json_each.
    """
    from django.db import connections
    from django.db.models import Q

    if connections[speeches.db].vendor == "postgresql":
        return speeches.filter(Q(published_languages__contains=[language])
                               | Q(original_language=language))
    table = speeches.model._meta.db_table
    return speeches.extra(
        where=[f'(EXISTS (SELECT 1 FROM json_each("{table}"."published_languages") '
               f'WHERE json_each.value = %s) OR "{table}"."original_language" = %s)'],
        params=[language, language])
