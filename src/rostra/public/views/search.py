"""The search page: a form, filters and facets, and results that jump to the second a phrase
was said.

The engine is rostra.search.service.search_archive (the search app); this page only presents
what it returns: passages before metadata, matches in the reader's language first, notices
worded in the reader's language, and suggestions when nothing clears the relevance floor.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rostra.archive.models import Topic
from rostra.archive.queries import SpeechFilter
from rostra.core.errors import UserError
from rostra.core.params import number_or_default
from rostra.public.countries import country_name
from rostra.public.pagecache import public_page
from rostra.public.queries import speech_cards
from rostra.search.notices import describe
from rostra.search.service import search_archive

RESULTS_PER_PAGE = 20
FILTERS = ("lang", "topic", "country", "speaker")


# Kept like every public page, per query string (query, filters, page) and language, until the
# archive changes: the same searches come again and again (links, facets, paging back).
@public_page
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
            filters = SpeechFilter.of(topic=chosen["topic"], country=chosen["country"],
                                      speaker=chosen["speaker"])
            results = search_archive(query, filters=filters, language=chosen["lang"] or None,
                                     page=page, per_page=RESULTS_PER_PAGE)
        except UserError as error:
            context["error"] = str(error)
        else:
            context.update(_present(results, query, chosen))
    return render(request, "public/search.html", context)


def _suggestions(query: str, chosen: dict, link) -> list[dict]:
    """Other searches to offer when nothing cleared the floor: fewer words, any language,
    no filters."""
    offered = []
    words = query.split()
    if len(words) > 2:
        shorter = " ".join(sorted(words, key=len, reverse=True)[:2])
        offered.append({"label": _("Fewer words: %(words)s") % {"words": shorter},
                        "url": link(q=shorter, page="")})
    if chosen.get("lang"):
        offered.append({"label": _("Every language"), "url": link(lang="", page="")})
    if any(chosen.get(name) for name in ("topic", "country", "speaker")):
        offered.append({"label": _("Without the filters"),
                        "url": link(topic="", country="", speaker="", page="")})
    return offered


def _present(results, query: str, chosen: dict) -> dict:
    """Results with speaker names (fetched in one go), facet links and page links."""
    cards = speech_cards().in_bulk([hit.speech.pk for hit in results.hits])
    reader = get_language() or ""
    hits = []
    for hit in results.hits:
        # What was said before what the program says; then the reader's own language first.
        ordered = sorted(hit.matches, key=lambda m: (m.kind != "segment", m.language != reader))
        hits.append({
            "hit": hit,
            "speech": cards.get(hit.speech.pk, hit.speech),
            "matches": [{"match": match,
                         "second": int(match.start) if match.start is not None else None,
                         "start_ms": int(match.start * 1000) if match.start is not None else None}
                        for match in ordered],
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
        "notices": [text for text in map(describe, results.notices) if text],
        "clear_url": link(lang="", topic="", country="", speaker=""),
        "suggestions": [] if results.hits else _suggestions(query, chosen, link),
        "filtered": any(chosen.values()),
        "previous_url": link(page=results.page - 1) if results.has_previous else "",
        "next_url": link(page=results.page + 1) if results.has_next else "",
    }
