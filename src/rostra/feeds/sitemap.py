"""The sitemap: an index (``/sitemap.xml``) pointing at files of bounded size.

The protocol allows 50,000 URLs per file; an archive passes that near 16,700 speeches in three
languages. Files hold ``SPEECHES_PER_FILE`` speeches each (every one in every site language,
with hreflang alternates), so a file costs the same to build whatever the archive's size and a
crawler fetches only the files whose ``lastmod`` moved.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.xmlutils import SimplerXMLGenerator

from rostra.archive.domain.publishing import published_speeches
from rostra.core.siteurl import site_root

SPEECHES_PER_FILE = 500
PROTOCOL_URL_LIMIT = 50_000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
MAIN_PAGES = ("public:home", "public:program", "public:speakers", "public:browse", "public:about")
SLUG_PLACEHOLDER = "--slug--"
# Anything the generation token does not see (a raw UPDATE) shows within this bound.
STAMPS_SECONDS = 600


def _languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def speeches_per_file() -> int:
    # Each speech is one <url> per language; stay under the protocol's limit for any language list.
    return min(SPEECHES_PER_FILE, PROTOCOL_URL_LIMIT // max(1, len(_languages())))


def _xml_response(write) -> HttpResponse:
    response = HttpResponse(content_type="application/xml; charset=utf-8")
    handler = SimplerXMLGenerator(response, "utf-8")
    handler.startDocument()
    write(handler)
    handler.endDocument()
    return response


def published_stamps() -> dict:
    """How many speeches are published and when one last changed: counted, not listed (a
    stepped slice of a queryset reads every id into Python), and kept per content generation
    (rostra.public.pagecache), since a COUNT and a MAX over every published speech grow with
    the archive while the token read is one row."""
    from django.core.cache import cache

    from rostra.public.pagecache import current_generation

    key = "sitemap-stamps:" + current_generation().token
    stamps = cache.get(key)
    if stamps is None:
        stamps = published_speeches().aggregate(latest=Max("updated_at"), total=Count("pk"))
        cache.set(key, stamps, STAMPS_SECONDS)
    return stamps


def sitemap_index(request):
    """``/sitemap.xml``: the main pages' file, then one file per SPEECHES_PER_FILE speeches."""
    root = site_root(request)
    size = speeches_per_file()
    stamps = published_stamps()
    files = -(-stamps["total"] // size)  # ceiling division

    def write(handler):
        handler.startElement("sitemapindex", {"xmlns": SITEMAP_NS})
        _sitemap_entry(handler, root + reverse("sitemap-pages"), stamps["latest"])
        for number in range(1, files + 1):
            _sitemap_entry(handler, root + reverse("sitemap-speeches", args=[number]), None)
        handler.endElement("sitemapindex")

    return _xml_response(write)


def _sitemap_entry(handler, location: str, lastmod) -> None:
    handler.startElement("sitemap", {})
    handler.addQuickElement("loc", location)
    if lastmod:
        handler.addQuickElement("lastmod", lastmod.isoformat())
    handler.endElement("sitemap")


def pages_sitemap(request):
    """The site's main pages, in every language."""
    root = site_root(request)
    entries = [(_localized(root, name), None) for name in MAIN_PAGES]
    return _xml_response(lambda handler: _urlset(handler, entries))


def speeches_sitemap(request, number: int):
    """Speech pages ``number`` (1-based) of the archive, ordered by id."""
    if number < 1:
        raise Http404("no such sitemap file")
    size = speeches_per_file()
    speeches = list(published_speeches().order_by("pk").values_list("slug", "updated_at")
                    [(number - 1) * size:number * size])
    if not speeches:
        raise Http404("no such sitemap file")
    root = site_root(request)
    # reverse() once per language, not once per speech and language.
    patterns = _localized(root, "public:speech", [SLUG_PLACEHOLDER])
    entries = [([(code, url.replace(SLUG_PLACEHOLDER, slug)) for code, url in patterns], stamp)
               for slug, stamp in speeches]
    return _xml_response(lambda handler: _urlset(handler, entries))


def _localized(root: str, name: str, args=()) -> list[tuple[str, str]]:
    alternates = []
    for code in _languages():
        with translation.override(code):
            alternates.append((code, root + reverse(name, args=args)))
    return alternates


def _urlset(handler, entries) -> None:
    handler.startElement("urlset", {"xmlns": SITEMAP_NS, "xmlns:xhtml": XHTML_NS})
    for alternates, lastmod in entries:
        for _code, url in alternates:
            handler.startElement("url", {})
            handler.addQuickElement("loc", url)
            if lastmod:
                handler.addQuickElement("lastmod", lastmod.isoformat())
            for alt_code, alt_url in alternates:
                handler.addQuickElement("xhtml:link", "", {
                    "rel": "alternate", "hreflang": alt_code, "href": alt_url})
            handler.endElement("url")
    handler.endElement("urlset")
