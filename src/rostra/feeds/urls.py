"""Unprefixed URLs: feeds, sitemap, robots.txt, and the files players fetch (media, subtitles).

Media and subtitle files do not depend on the interface language, so they live outside the
language prefix: one URL per file, cached once.
"""

from django.urls import path

from rostra.feeds import sitemap, views
from rostra.public.pagecache import public_feed
from rostra.public.views import renditions, speech

atom = public_feed(views.feed_view(views.AtomSpeechFeed()))
rss = public_feed(views.feed_view(views.RssSpeechFeed()))

urlpatterns = [
    path("robots.txt", public_feed(views.robots_txt), name="robots"),
    path("sitemap.xml", public_feed(sitemap.sitemap_index), name="sitemap"),
    path("sitemaps/pages.xml", public_feed(sitemap.pages_sitemap), name="sitemap-pages"),
    path("sitemaps/speeches-<int:number>.xml", public_feed(sitemap.speeches_sitemap),
         name="sitemap-speeches"),
    path("feeds/<str:language>/speeches.atom", atom, name="feed-atom"),
    path("feeds/<str:language>/speeches.rss", rss, name="feed-rss"),
    path("feeds/<str:language>/podcast.xml", public_feed(views.podcast), name="feed-podcast"),
    path("media/speeches/<str:slug>", speech.speech_media, name="speech-media"),
    path("media/speeches/<str:slug>/hls/<str:file_name>", renditions.speech_hls,
         name="speech-hls"),
    path("media/speeches/<str:slug>/<str:language>/<str:file_name>",
         renditions.speech_rendition, name="speech-language-rendition"),
    path("media/speeches/<str:slug>/<str:file_name>", renditions.speech_rendition,
         name="speech-rendition"),
    path("transcripts/<str:slug>/<str:language>.<str:fmt>", speech.subtitles, name="subtitles"),
]
