"""Live pages, under the language prefix: /fa/live/SLUG/ and the others."""

from django.urls import path

from rostra.live import views

app_name = "live"

urlpatterns = [
    path("<str:slug>/", views.live_page, name="page"),
    path("<str:slug>/events/", views.live_events, name="events"),
    path("<str:slug>/captions/<str:language>.vtt", views.live_captions, name="captions"),
]
