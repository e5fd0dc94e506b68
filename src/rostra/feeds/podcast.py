"""A podcast flavour of RSS 2.0: iTunes tags and the Podcasting 2.0 ``podcast:transcript``.

One ``<podcast:transcript>`` per language, ``type="text/vtt"`` and ``rel="captions"`` (the
namespace's value for timed captions), so podcast apps can show subtitles in each language.
"""

from __future__ import annotations

from django.utils.feedgenerator import Rss201rev2Feed

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


class PodcastFeed(Rss201rev2Feed):
    def rss_attributes(self):
        attributes = super().rss_attributes()
        attributes["xmlns:podcast"] = PODCAST_NS
        attributes["xmlns:itunes"] = ITUNES_NS
        return attributes

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("podcast:locked", "no")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("enclosure", "", {
            "url": item["media_url"], "length": item["media_length"], "type": item["media_type"],
        })
        if item.get("duration_seconds"):
            handler.addQuickElement("itunes:duration", str(item["duration_seconds"]))
        for transcript in item.get("transcripts", ()):
            handler.addQuickElement("podcast:transcript", "", {
                "url": transcript["url"], "type": "text/vtt",
                "language": transcript["language"], "rel": "captions",
            })
