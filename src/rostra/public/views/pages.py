"""Listing pages: home, program, topic, speaker, browse by country, about."""

from __future__ import annotations

from itertools import groupby

from django.db.models import Count, F, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from rostra.archive.domain.publishing import published_speeches
from rostra.archive.domain.speaker_photos import content_type
from rostra.archive.models import Day, Event, Speaker, Topic, region_in
from rostra.core.storage import media_file
from rostra.core.params import number_or_default
from rostra.public.countries import country_name
from rostra.public.pagecache import public_page
from rostra.public.queries import (latest_speeches, page_of, related_speeches, speech_cards,
                                   with_comment_counts)

PUBLISHED = Q(speeches__state="published")
PROGRAM_PAGE = 100
LIST_PAGE = 60
SPEAKERS_PAGE = 200


def current_event():
    return Event.objects.order_by("-starts_on", "pk").first()


@public_page
def home(request):
    event = current_event()
    topics = (Topic.objects.filter(published_speech_count__gt=0)
              .annotate(speech_count=F("published_speech_count"))
              .order_by("-published_speech_count", "slug"))
    total = published_speeches().count()
    return render(request, "public/home.html", {
        "event": event,
        "speeches": latest_speeches(12),
        "topics": topics,
        "speech_total": total,
    })


@public_page
def program(request):
    """The program by day, then room, then session; ?day=, ?room=, ?session= narrow it."""
    speeches = speech_cards().order_by("day__index", "room__position", "room__slug",
                                       "session__starts_at", "session__slug", "starts_at", "slug")
    filters = {}
    for parameter, lookup in (("day", "day__index"), ("room", "room__slug"),
                              ("session", "session__slug")):
        value = request.GET.get(parameter, "")
        if value:
            if parameter == "day" and number_or_default(value, highest=9999) is None:
                continue
            filters[parameter] = value
            speeches = speeches.filter(**{lookup: value})
    page, page_query = page_of(request, speeches, PROGRAM_PAGE)
    speeches = list(page)
    days = []
    for day, by_day in groupby(speeches, key=lambda s: s.day):
        rooms = []
        for room, by_room in groupby(by_day, key=lambda s: s.room):
            sessions = [{"session": session, "speeches": list(items)}
                        for session, items in groupby(by_room, key=lambda s: s.session)]
            rooms.append({"room": room, "sessions": sessions})
        days.append({"day": day, "rooms": rooms})
    day_choices = Day.objects.filter(speeches__state="published").distinct().order_by("index")
    return render(request, "public/program.html",
                  {"days": days, "filters": filters, "day_choices": day_choices, "page": page,
                   "page_query": page_query})


@public_page
def topic(request, slug):
    topics = list(Topic.objects.filter(slug=slug).select_related("event"))
    if not topics:
        raise Http404("no such topic")
    speeches = speech_cards().filter(topics__in=topics).order_by("starts_at", "slug").distinct()
    # A speech belongs to one event and so to at most one of these topics: the kept counts add.
    page, page_query = page_of(request, speeches, LIST_PAGE,
                               count=sum(t.published_speech_count for t in topics))
    return render(request, "public/topic.html", {
        "topic": topics[0], "speeches": with_comment_counts(page), "page": page,
        "page_query": page_query})


@public_page
def speaker(request, slug):
    person = get_object_or_404(Speaker, slug=slug)
    speeches = speech_cards().filter(speakers=person).order_by("starts_at", "slug").distinct()
    return render(request, "public/speaker.html", {
        "speaker": person, "speeches": with_comment_counts(speeches),
        "related": related_speeches(speaker=person)})


def speaker_photo(request, slug):
    """The speaker's photo, from the archive's own storage (content-addressed: cached long)."""
    person = get_object_or_404(Speaker.objects.exclude(photo_path=""), slug=slug)
    path = media_file(person.photo_path)
    if not path.is_file():
        raise Http404("the photo file is missing from the media folder")
    response = FileResponse(open(path, "rb"), content_type=content_type(person.photo_path))
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public_page
def speakers(request):
    people = (Speaker.objects.filter(published_speech_count__gt=0)
              .annotate(speech_count=F("published_speech_count")).order_by("slug"))
    page, page_query = page_of(request, people, SPEAKERS_PAGE)
    return render(request, "public/speakers.html",
                  {"speakers": list(page), "page": page, "page_query": page_query})


def region_entries(keys) -> list[dict]:
    """``[{"key": "Isfahan", "name": "اصفهان"}]``: each region as the program spelled it (the
    filter's key) and as this reader's language writes it, where the program gave that."""
    keys = set(keys)
    names: dict[str, dict] = {}
    for key, texts in (Speaker.objects.filter(region__in=keys).exclude(region_names={})
                       .values_list("region", "region_names")):
        for code, text in (texts or {}).items():
            names.setdefault(key, {}).setdefault(code, text)
    entries = [{"key": key, "name": region_in(key, names.get(key))} for key in keys]
    return sorted(entries, key=lambda entry: entry["name"])


@public_page
def browse(request):
    """Countries (and their regions) the speakers of published speeches come from."""
    rows = (Speaker.objects.filter(speeches__state="published").exclude(country="")
            .values("country", "region")
            .annotate(speech_count=Count("speeches", filter=PUBLISHED, distinct=True)))
    language = get_language() or "en"
    countries: dict[str, dict] = {}
    for row in rows:
        entry = countries.setdefault(row["country"], {
            "code": row["country"], "name": country_name(row["country"], language),
            "speech_count": 0, "regions": []})
        entry["speech_count"] += row["speech_count"]
        if row["region"]:
            entry["regions"].append(row["region"])
    ordered = sorted(countries.values(), key=lambda c: c["name"])
    for entry in ordered:
        entry["regions"] = region_entries(entry["regions"])
    return render(request, "public/browse.html", {"countries": ordered})


@public_page
def country(request, code):
    code = code.upper()
    speeches = speech_cards().filter(speakers__country=code)
    region = request.GET.get("region", "")
    if region:
        speeches = speeches.filter(speakers__region=region)
    speeches = speeches.order_by("starts_at", "slug").distinct()
    regions = region_entries(Speaker.objects.filter(country=code, speeches__state="published")
                             .exclude(region="").values_list("region", flat=True))
    page, page_query = page_of(request, speeches, LIST_PAGE)
    if not regions and not page.object_list:
        raise Http404("no published speech from this country")
    return render(request, "public/country.html", {
        "code": code, "name": country_name(code, get_language() or "en"),
        "speeches": with_comment_counts(page), "regions": regions, "region": region,
        "region_name": next((r["name"] for r in regions if r["key"] == region), region),
        "page": page, "page_query": page_query})


@public_page
def about(request):
    return render(request, "public/about.html", {"event": current_event()})
