"""Unprefixed URLs: feeds, sitemap, robots.txt, and the files players fetch (media, subtitles).

Media and subtitle files do not depend on the interface language, so they live outside the
language prefix: one URL per file, cached once.
"""

from django.urls import path

from rostra.feeds import views
from rostra.public.views import renditions, speech

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("feeds/<str:language>/speeches.atom", views.AtomSpeechFeed(), name="feed-atom"),
    path("feeds/<str:language>/speeches.rss", views.RssSpeechFeed(), name="feed-rss"),
    path("feeds/<str:language>/podcast.xml", views.podcast, name="feed-podcast"),
    path("media/speeches/<str:slug>", speech.speech_media, name="speech-media"),
    path("media/speeches/<str:slug>/hls/<str:file_name>", renditions.speech_hls,
         name="speech-hls"),
    path("media/speeches/<str:slug>/<str:language>/<str:file_name>",
         renditions.speech_rendition, name="speech-language-rendition"),
    path("media/speeches/<str:slug>/<str:file_name>", renditions.speech_rendition,
         name="speech-rendition"),
    path("transcripts/<str:slug>/<str:language>.<str:fmt>", speech.subtitles, name="subtitles"),
]
