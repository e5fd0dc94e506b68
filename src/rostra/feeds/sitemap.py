"""The sitemap: an index (``/sitemap.xml``) pointing at files of bounded size.

The protocol allows 50,000 URLs per file; an archive passes that near 16,700 speeches in three
languages. File N holds the published speeches whose id is in ((N-1)·S, N·S], S =
``speeches_per_file()`` (every one in every site language, with hreflang alternates): at most S
speeches, read by an index range whatever the archive's size (an OFFSET walked every earlier
row), and a speech stays in its file when others are published or withdrawn, so a crawler
refetches only the files that changed. The index lists the files that hold a published speech,
found by a skip scan (one index seek per file, in one query), and the main pages' ``lastmod``
by one index seek: no COUNT over every published speech (bench/RESULTS.md, "edge").
"""

from __future__ import annotations

from django.conf import settings
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
FILE_PLACEHOLDER = 987654321  # a number no file has: replaced in the reversed URL
# Past this a file's id range would not fit the databases' 64-bit integers.
MAX_FILE_NUMBER = 10 ** 12
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
    """When a published speech last changed, and the numbers of the speech files that hold
    one: two index reads, kept per content generation (rostra.public.pagecache)."""
    from django.core.cache import cache

    from rostra.public.pagecache import current_generation

    key = "sitemap-stamps:" + current_generation().token
    stamps = cache.get(key)
    if stamps is None:
        latest = (published_speeches().order_by("-updated_at")
                  .values_list("updated_at", flat=True).first())
        stamps = {"latest": latest, "files": speech_file_numbers(speeches_per_file())}
        cache.set(key, stamps, STAMPS_SECONDS)
    return stamps


def speech_file_numbers(size: int) -> list[int]:
    """The N (ascending) whose id range ((N-1)·size, N·size] holds a published speech: from the
    lowest published id, each step seeks the first published id past the current file."""
    from django.db import connection

    from rostra.archive.models import Speech

    quote = connection.ops.quote_name
    table, key = quote(Speech._meta.db_table), quote(Speech._meta.pk.column)
    state = quote(Speech._meta.get_field("state").column)
    size = int(size)
    first_past = f"SELECT (MIN({key}) - 1) / {size} + 1 FROM {table} WHERE {state} = %s"
    # The loose index scan of PostgreSQL's wiki; SQLite runs the same statement.
    sql = (f"WITH RECURSIVE files(number) AS ("
           f"SELECT ({first_past}) "
           f"UNION ALL SELECT ({first_past} AND {key} > files.number * {size}) "
           f"FROM files WHERE files.number IS NOT NULL) "
           f"SELECT number FROM files WHERE number IS NOT NULL")
    with connection.cursor() as cursor:
        cursor.execute(sql, [Speech.State.PUBLISHED, Speech.State.PUBLISHED])
        return [int(number) for (number,) in cursor.fetchall()]


def sitemap_index(request):
    """``/sitemap.xml``: the main pages' file, then each speech file that holds a speech."""
    root = site_root(request)
    stamps = published_stamps()
    # reverse() once, not once per file.
    pattern = root + reverse("sitemap-speeches", args=[FILE_PLACEHOLDER])

    def write(handler):
        handler.startElement("sitemapindex", {"xmlns": SITEMAP_NS})
        _sitemap_entry(handler, root + reverse("sitemap-pages"), stamps["latest"])
        for number in stamps["files"]:
            _sitemap_entry(handler, pattern.replace(str(FILE_PLACEHOLDER), str(number)), None)
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
    """The published speeches whose id is in file ``number``'s range, ordered by id."""
    if not 1 <= number <= MAX_FILE_NUMBER:
        raise Http404("no such sitemap file")
    size = speeches_per_file()
    speeches = list(published_speeches()
                    .filter(pk__gt=(number - 1) * size, pk__lte=number * size)
                    .order_by("pk").values_list("slug", "updated_at"))
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
