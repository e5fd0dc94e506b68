"""Public pages, under the language prefix (/fa/, /ar/, /en/)."""

from django.urls import path

from rostra.public.views import pages, search, speech

app_name = "public"

urlpatterns = [
    path("", pages.home, name="home"),
    path("program/", pages.program, name="program"),
    path("topics/<str:slug>/", pages.topic, name="topic"),
    path("speakers/", pages.speakers, name="speakers"),
    path("speakers/<str:slug>/", pages.speaker, name="speaker"),
    path("speakers/<str:slug>/photo/", pages.speaker_photo, name="speaker_photo"),
    path("browse/", pages.browse, name="browse"),
    path("browse/<str:code>/", pages.country, name="country"),
    path("search/", search.search_page, name="search"),
    path("about/", pages.about, name="about"),
    path("speeches/<str:slug>/", speech.speech_detail, name="speech"),
    path("speeches/<str:slug>/embed/", speech.speech_embed, name="embed"),
]
