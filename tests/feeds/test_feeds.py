import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostra.archive.domain.publishing import withdraw_speech
from rostra.archive.models import Speech
from tests.public.content import add_speech, build_archive

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
              "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def archive(data_dir, tmp_path, settings):
    settings.SITE_URL = "https://talks.example.org"
    archive = build_archive(tmp_path=tmp_path)
    add_speech(archive.event, slug="second-talk", title={"en": "Water in cities"},
               transcripts=False, minute=30)
    add_speech(archive.event, slug="draft-talk", title={"en": "Not yet"}, transcripts=False,
               publish=False)
    return archive


@pytest.mark.parametrize("kind", ["speeches.atom", "speeches.rss"])
@pytest.mark.parametrize("lang", ["fa", "ar", "en"])
def test_feeds_parse_and_list_published_speeches(client, archive, kind, lang):
    response = client.get(f"/feeds/{lang}/{kind}")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    links = {entry.link for entry in feed.entries}
    assert links == {f"https://talks.example.org/{lang}/speeches/smart-cities/",
                     f"https://talks.example.org/{lang}/speeches/second-talk/"}


def test_feed_titles_follow_the_feed_language(client, archive):
    feed = feedparser.parse(client.get("/feeds/fa/speeches.atom").content)
    titles = {entry.title for entry in feed.entries}
    assert "شهرهای هوشمند برای همه" in titles
    assert "Water in cities" in titles  # no Persian title: the one there is


def test_podcast_has_enclosures_and_a_transcript_per_language(client, archive):
    response = client.get("/feeds/en/podcast.xml")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 1  # the speech without media has nothing to enclose
    entry = feed.entries[0]
    enclosure = entry.enclosures[0]
    assert enclosure.href == "https://talks.example.org/media/speeches/smart-cities"
    assert int(enclosure.length) == archive.speech.media.size
    root = ET.fromstring(response.content)
    ns = {"podcast": "https://podcastindex.org/namespace/1.0"}
    transcripts = root.findall("./channel/item/podcast:transcript", ns)
    assert sorted(t.get("language") for t in transcripts) == ["ar", "en", "fa"]
    assert {t.get("type") for t in transcripts} == {"text/vtt"}
    assert {t.get("rel") for t in transcripts} == {"captions"}
    assert "https://talks.example.org/transcripts/smart-cities/fa.vtt" in \
        {t.get("url") for t in transcripts}


def test_unknown_feed_language_is_404(client, archive):
    assert client.get("/feeds/xx/speeches.atom").status_code == 404
    assert client.get("/feeds/xx/podcast.xml").status_code == 404


def sitemap_files(client):
    """The sitemap index's files, fetched: {path: parsed urlset}."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [entry.find("s:loc", SITEMAP_NS).text
                 for entry in index.findall("s:sitemap", SITEMAP_NS)]
    assert all(location.startswith("https://talks.example.org/sitemaps/")
               for location in locations)
    files = {}
    for location in locations:
        path = location.removeprefix("https://talks.example.org")
        response = client.get(path)
        assert response.status_code == 200
        files[path] = ET.fromstring(response.content)
    return files


def test_sitemap_lists_every_published_speech_with_alternates(client, archive):
    files = sitemap_files(client)
    assert "/sitemaps/pages.xml" in files
    speech_files = [path for path in files if path.startswith("/sitemaps/speeches-")]
    assert len(speech_files) == 1  # ids close together: one file's range
    root = files[speech_files[0]]
    locations = [url.find("s:loc", SITEMAP_NS).text for url in root.findall("s:url", SITEMAP_NS)]
    for slug in ("smart-cities", "second-talk"):
        for lang in ("fa", "ar", "en"):
            assert f"https://talks.example.org/{lang}/speeches/{slug}/" in locations
    assert not any("draft-talk" in location for location in locations)
    first_speech = next(url for url in root.findall("s:url", SITEMAP_NS)
                        if url.find("s:loc", SITEMAP_NS).text.endswith("/en/speeches/smart-cities/"))
    alternates = {link.get("hreflang"): link.get("href")
                  for link in first_speech.findall("x:link", SITEMAP_NS)}
    assert alternates == {lang: f"https://talks.example.org/{lang}/speeches/smart-cities/"
                          for lang in ("fa", "ar", "en")}


def test_sitemap_query_count_is_constant(client, archive, django_assert_max_num_queries):
    for number in range(10):
        add_speech(archive.event, slug=f"more-{number}", title={"en": "More"}, transcripts=False)
    with django_assert_max_num_queries(6):
        client.get("/sitemap.xml")
    with django_assert_max_num_queries(6):
        client.get("/sitemaps/speeches-1.xml")
    with django_assert_max_num_queries(10):
        client.get("/feeds/en/podcast.xml")
    with django_assert_max_num_queries(10):
        client.get("/feeds/en/speeches.atom")


def test_sitemap_files_split_past_the_per_file_size(client, archive, monkeypatch):
    """File N holds the published speeches with ids in ((N-1)·S, N·S]: here S = 1."""
    monkeypatch.setattr("rostra.feeds.sitemap.SPEECHES_PER_FILE", 1)
    published = Speech.objects.filter(state=Speech.State.PUBLISHED).order_by("pk")
    ids = list(published.values_list("pk", flat=True))
    files = sitemap_files(client)
    assert sorted(files) == sorted(["/sitemaps/pages.xml",
                                    *(f"/sitemaps/speeches-{pk}.xml" for pk in ids)])
    assert len(files[f"/sitemaps/speeches-{ids[1]}.xml"].findall("s:url", SITEMAP_NS)) == 3
    draft = Speech.objects.get(slug="draft-talk").pk
    assert client.get(f"/sitemaps/speeches-{draft}.xml").status_code == 404
    assert client.get(f"/sitemaps/speeches-{max(ids + [draft]) + 1}.xml").status_code == 404
    assert client.get("/sitemaps/speeches-0.xml").status_code == 404
    assert client.get(f"/sitemaps/speeches-{10 ** 15}.xml").status_code == 404


def test_a_speech_stays_in_its_file_when_an_earlier_one_is_withdrawn(
        client, archive, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("rostra.feeds.sitemap.SPEECHES_PER_FILE", 2)
    for number in range(5):
        add_speech(archive.event, slug=f"more-{number}", title={"en": "More"}, transcripts=False)
    before = sitemap_files(client)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_speech(Speech.objects.get(slug="smart-cities"))
    after = sitemap_files(client)

    def file_of(files, slug):
        return next(path for path, root in files.items()
                    if any(url.find("s:loc", SITEMAP_NS).text.endswith(f"/en/speeches/{slug}/")
                           for url in root.findall("s:url", SITEMAP_NS)))

    for number in range(5):
        assert file_of(after, f"more-{number}") == file_of(before, f"more-{number}")
    assert not any(url.find("s:loc", SITEMAP_NS).text.endswith("/speeches/smart-cities/")
                   for root in after.values() for url in root.findall("s:url", SITEMAP_NS))


def test_the_sitemap_index_counts_no_published_speech(client, archive):
    """Its files and lastmod come from index seeks, not a COUNT or MAX over every speech."""
    with CaptureQueriesContext(connection) as captured:
        client.get("/sitemap.xml")
    statements = " ".join(query["sql"].upper() for query in captured.captured_queries)
    assert "COUNT(" not in statements and "MAX(" not in statements


def test_robots_txt_points_at_the_sitemap(client, archive):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://talks.example.org/sitemap.xml" in text
    assert "Disallow: /admin/" in text
