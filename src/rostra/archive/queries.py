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
