"""The search page: a form, filters and facets, and results that jump to the second a phrase
was said.

The engine is rostra.search.service.search_archive (the search app); this page only presents
what it returns.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rostra.archive.models import Topic
from rostra.core.errors import UserError
from rostra.core.params import number_or_default
from rostra.public.countries import country_name
from rostra.public.queries import speech_cards
from rostra.search.service import search_archive

RESULTS_PER_PAGE = 20
FILTERS = ("lang", "topic", "country", "speaker")


def _notice(text: str) -> str:
    known = {
        "no speech has every word; showing any word":
            _("No speech has every word; showing speeches with any of them."),
        "semantic search is not available (no embeddings indexed)":
            _("Only exact words are searched for now; searching by meaning is not available."),
    }
    return known.get(text, text)


def search_page(request):
    query = request.GET.get("q", "").strip()[:200]
    chosen = {name: request.GET.get(name, "").strip()[:100] for name in FILTERS}
    if chosen["lang"] not in dict(settings.LANGUAGES):
        chosen["lang"] = ""
    page = number_or_default(request.GET.get("page"), default=1, lowest=1, highest=999)
    context = {
        "query": query, "chosen": chosen, "languages": [code for code, _ in settings.LANGUAGES],
        "topics": Topic.objects.order_by("slug"), "results": None, "error": "",
    }
    if query:
        try:
            results = search_archive(
                query, language=chosen["lang"] or None, topic=chosen["topic"] or None,
                country=chosen["country"] or None, speaker=chosen["speaker"] or None,
                page=page, per_page=RESULTS_PER_PAGE)
        except UserError as error:
            context["error"] = str(error)
        else:
            context.update(_present(results, query, chosen))
    return render(request, "public/search.html", context)


def _present(results, query: str, chosen: dict) -> dict:
    """Results with speaker names (fetched in one go), facet links and page links."""
    cards = speech_cards().in_bulk([hit.speech.pk for hit in results.hits])
    hits = []
    for hit in results.hits:
        hits.append({
            "hit": hit,
            "speech": cards.get(hit.speech.pk, hit.speech),
            "matches": [{"match": match,
                         "second": int(match.start) if match.start is not None else None,
                         "start_ms": int(match.start * 1000) if match.start is not None else None}
                        for match in hit.matches],
        })

    def link(**changes) -> str:
        params = {"q": query, **{k: v for k, v in chosen.items() if v}}
        params.update(changes)
        return "?" + urlencode({k: v for k, v in params.items() if v})

    facet_names = {"language": "lang", "topic": "topic", "country": "country",
                   "speaker": "speaker"}
    facet_titles = {"language": _("Language"), "topic": _("Topic"), "country": _("Country"),
                    "speaker": _("Speaker")}
    facets = []
    for name, parameter in facet_names.items():
        counts = results.facets.get(name) or []
        if not counts:
            continue
        facets.append({
            "title": facet_titles[name],
            "items": [{"label": country_name(item.value, get_language() or "en")
                       if name == "country" else item.label,
                       "count": item.count, "url": link(**{parameter: item.value, "page": ""}),
                       "current": chosen.get(parameter) == item.value}
                      for item in counts],
        })
    return {
        "results": results,
        "hits": hits,
        "facets": facets,
        "notices": [_notice(text) for text in results.notices],
        "clear_url": link(lang="", topic="", country="", speaker=""),
        "filtered": any(chosen.values()),
        "previous_url": link(page=results.page - 1) if results.has_previous else "",
        "next_url": link(page=results.page + 1) if results.has_next else "",
    }
