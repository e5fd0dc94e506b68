"""The search page: a form, filters, and results that jump to the second a phrase was said.

The engine is rostra.search.service.search_archive (the search app). Until that module is
installed the page says search is being set up; it never shows made-up results.
"""

from __future__ import annotations

import importlib

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language

from rostra.archive.models import Topic

RESULTS_PER_PAGE = 20


def search_engine():
    """The search function, or None while the search app does not provide one."""
    try:
        module = importlib.import_module("rostra.search.service")
    except ImportError:
        return None
    return getattr(module, "search_archive", None)


def search_page(request):
    query = request.GET.get("q", "").strip()[:200]
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = ""
    topic = request.GET.get("topic", "")
    engine = search_engine()
    context = {
        "query": query,
        "language": language,
        "topic": topic,
        "languages": [code for code, _ in settings.LANGUAGES],
        "topics": Topic.objects.order_by("slug"),
        "engine_ready": engine is not None,
        "results": [],
        "facets": {},
        "total": 0,
    }
    if engine is not None and query:
        from rostra.public.search_results import run_search

        context.update(run_search(engine, query=query, language=language, topic=topic,
                                  interface_language=get_language() or settings.LANGUAGE_CODE,
                                  limit=RESULTS_PER_PAGE))
    return render(request, "public/search.html", context)
