"""Atom/RSS of published speeches per language, a podcast feed, sitemap.xml and robots.txt.

Links are absolute (feeds and sitemaps are read by other machines): on ROSTRA_SITE_URL when it
is set, else on the host the request came in on (rostra.core.siteurl).
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from rostra.core.multilingual import pick
from rostra.core.siteurl import site_root
from rostra.feeds.podcast import PodcastFeed
from rostra.public.queries import speech_cards
from rostra.public.transcript_view import available_transcripts

FEED_SIZE = 50


# The address of the request being answered: syndication's Feed hands its methods the feed
# object or the item, never the request, and one Feed instance serves every thread.
_request_root: ContextVar[str] = ContextVar("feed_request_root", default="")


def site_url(path: str) -> str:
    return (_request_root.get() or site_root()) + path


def answering(request):
    """Context manager: links made inside it are on ``request``'s public address."""
    return _RootFor(site_root(request))


class _RootFor:
    def __init__(self, root: str):
        self.root = root

    def __enter__(self):
        self.token = _request_root.set(self.root)

    def __exit__(self, *exc):
        _request_root.reset(self.token)


def _check_language(language: str) -> str:
    if language not in dict(settings.LANGUAGES):
        raise Http404("unknown language")
    return language


def speech_url(speech, language: str) -> str:
    with translation.override(language):
        return site_url(reverse("public:speech", args=[speech.slug]))


def feed_speeches():
    return (speech_cards().prefetch_related("transcripts")
            .order_by("-published_at", "-pk")[:FEED_SIZE])


class SpeechFeed(Feed):
    """New published speeches, titles and summaries in one language."""

    def __call__(self, request, *args, **kwargs):
        language = _check_language(kwargs.get("language", ""))
        with translation.override(language), answering(request):
            return super().__call__(request, *args, **kwargs)

    def get_object(self, request, language):
        return language

    def title(self, language):
        return translation.gettext("New speeches")

    def link(self, language):
        with translation.override(language):
            return site_url(reverse("public:home"))

    def description(self, language):
        return translation.gettext("Recorded speeches with synchronized transcripts.")

    def feed_url(self, language):
        return site_url(self.request_path(language))

    def items(self, language):
        return feed_speeches()

    def item_title(self, item):
        return pick(item.title, fallbacks=[item.original_language]) or item.slug

    def item_description(self, item):
        return pick(item.abstract, fallbacks=[item.original_language])

    def item_link(self, item):
        return speech_url(item, translation.get_language())

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(link.speaker.display_name() for link in item.speaker_links) or None

    def item_categories(self, item):
        return [pick(topic.name) or topic.slug for topic in item.topics.all()]

    def item_enclosures(self, item):
        return []


def feed_view(feed):
    """A plain function around a Feed instance, so it can be marked (rostra.public.pagecache)."""
    def view(request, *args, **kwargs):
        return feed(request, *args, **kwargs)
    return view


class AtomSpeechFeed(SpeechFeed):
    feed_type = Atom1Feed

    def request_path(self, language):
        return reverse("feed-atom", args=[language])

    def subtitle(self, language):
        return self.description(language)


class RssSpeechFeed(SpeechFeed):
    feed_type = Rss201rev2Feed

    def request_path(self, language):
        return reverse("feed-rss", args=[language])


def podcast(request, language):
    """A podcast RSS: one enclosure per speech, one podcast:transcript per language."""
    language = _check_language(language)
    with translation.override(language), answering(request):
        feed = PodcastFeed(
            title=translation.gettext("Speeches (podcast)"),
            link=site_url(reverse("public:home")),
            description=translation.gettext("Recorded speeches with synchronized transcripts."),
            language=language,
            feed_url=site_url(reverse("feed-podcast", args=[language])),
        )
        for speech in feed_speeches():
            media = speech.media
            if media is None:
                continue
            transcripts = [
                {"url": site_url(reverse("subtitles", args=[speech.slug, code, "vtt"])),
                 "language": code}
                for code in available_transcripts(speech)
            ]
            feed.add_item(
                title=pick(speech.title, fallbacks=[speech.original_language]) or speech.slug,
                link=speech_url(speech, language),
                description=pick(speech.abstract, fallbacks=[speech.original_language]),
                unique_id=site_url(reverse("speech-media", args=[speech.slug])),
                unique_id_is_permalink=False,
                pubdate=speech.published_at,
                author_name=", ".join(link.speaker.display_name()
                                      for link in speech.speaker_links) or None,
                enclosures=[],
                media_url=site_url(reverse("speech-media", args=[speech.slug])),
                media_length=str(media.size),
                media_type=media.mime_type or "application/octet-stream",
                duration_seconds=(media.duration_ms or 0) // 1000,
                transcripts=transcripts,
            )
        response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
        feed.write(response, "utf-8")
    return response


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
    ]
    lines += [f"Disallow: /{code}/review/" for code, _ in settings.LANGUAGES]
    lines += [f"Disallow: /{code}/comments/" for code, _ in settings.LANGUAGES]
    lines += ["", f"Sitemap: {site_root(request)}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
