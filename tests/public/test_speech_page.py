import re

import pytest

from tests.public.content import build_archive

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(data_dir, tmp_path):
    return build_archive(tmp_path=tmp_path)


def test_speech_page_in_persian_is_rtl_with_tracks_and_transcript(client, archive):
    response = client.get("/fa/speeches/smart-cities/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in html
    assert html.count("<track ") == 3
    assert re.search(r'<track kind="subtitles" srclang="fa" label="فارسی" '
                     r'src="/transcripts/smart-cities/fa.vtt" default', html) is None  # audio
    assert 'srclang="en"' in html and 'srclang="ar"' in html
    assert 'data-start="0" data-end="2400"' in html
    assert "سلام و خوش آمدید" in html
    # each sentence links to its second and (s=) its place, for the shared link's preview
    assert re.search(r'href="\?tl=fa(&amp;|&)t=5(&amp;|&)s=\d+"', html)
    assert "Transcript written by a person" in html or "نوشته" in html


def test_speech_page_in_english_defaults_to_english_transcript(client, archive):
    html = client.get("/en/speeches/smart-cities/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Hello and welcome" in html
    assert "Machine translation from" in html
    assert "ctranslate2 · nllb-200-distilled-600M" in html


def test_transcript_language_is_chosen_independently(client, archive):
    html = client.get("/en/speeches/smart-cities/?tl=ar").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert '<ol class="segments" lang="ar" dir="rtl"' in html
    assert "مرحبًا بكم" in html


def test_side_by_side_pairs_original_and_translation(client, archive):
    html = client.get("/en/speeches/smart-cities/?tl=fa&with=en").content.decode()
    assert "is-paired" in html
    row = re.search(r'<li class="segment" id="seg-1".*?</li>', html).group(0)
    assert "امروز درباره آب" in row and "Today we talk about water" in row


def test_start_offset_from_t(client, archive):
    html = client.get("/en/speeches/smart-cities/?t=5").content.decode()
    assert 'data-start="5"' in html and "#t=5" in html


def test_unpublished_speech_is_not_found(client, archive):
    archive.speech.state = "needs_review"
    archive.speech.save()
    assert client.get("/en/speeches/smart-cities/").status_code == 404
    assert client.get("/media/speeches/smart-cities").status_code == 404
    assert client.get("/transcripts/smart-cities/fa.vtt").status_code == 404


def test_vtt_served_for_track(client, archive):
    response = client.get("/transcripts/smart-cities/fa.vtt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vtt")
    body = response.content.decode()
    assert body.startswith("WEBVTT") and "سلام و خوش آمدید" in body


@pytest.mark.parametrize("fmt", ["srt", "txt", "json"])
def test_downloads(client, archive, fmt):
    response = client.get(f"/transcripts/smart-cities/en.{fmt}?download=1")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "Hello and welcome" in response.content.decode()


def test_embed_page_can_be_framed(client, archive):
    response = client.get("/fa/speeches/smart-cities/embed/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert 'class="segments"' in response.content.decode()


def test_open_graph_tags(client, archive):
    html = client.get("/en/speeches/smart-cities/").content.decode()
    assert '<meta property="og:title" content="Smart cities for everyone">' in html
    assert 'hreflang="fa"' in html


def test_times_are_shown_in_the_event_time_zone(client, archive):
    # 06:00 UTC is 09:30 in Tehran, where the audience sat.
    html = client.get("/en/speeches/smart-cities/").content.decode()
    assert "09:30" in html and "06:00" not in html
    assert "09:30" in client.get("/en/program/").content.decode()


def test_running_text_names_languages_in_the_interface_language(client, archive):
    html = client.get("/en/speeches/smart-cities/").content.decode()
    assert "Machine translation from Persian" in html
    html = client.get("/ar/speeches/smart-cities/?tl=en").content.decode()
    assert "ترجمة آلية من الفارسية" in html


def test_rendered_transcript_is_cached_until_it_changes(client, archive,
                                                        django_assert_max_num_queries):
    from rostra.transcripts.domain import SegmentData, save_transcript

    client.get("/en/speeches/smart-cities/?tl=fa")
    save_transcript(speech=archive.speech, language="fa", origin="human",
                    segments=[SegmentData(0, 1000, "متن تازه ویراستار")])
    html = client.get("/en/speeches/smart-cities/?tl=fa").content.decode()
    assert "متن تازه ویراستار" in html and "سلام و خوش آمدید" not in html


def test_structured_data_is_valid_json_and_cannot_close_the_script(client, archive):
    import json

    archive.speech.abstract = {"en": "Cities </script><script>alert(1)</script> & water"}
    archive.speech.save()
    html = client.get("/en/speeches/smart-cities/").content.decode()
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    payload = html[start:html.index("</script>", start)]
    data = json.loads(payload)
    assert data["@type"] == "AudioObject"
    assert data["name"] == "Smart cities for everyone"
    assert data["description"].startswith("Cities </script>")
    assert data["author"] == [{"@type": "Person", "name": "Sara Ahmadi"}]
    assert "<script>alert(1)" not in html


def test_every_page_links_its_other_languages(client, archive, settings):
    settings.SITE_URL = "https://talks.example.org"
    html = client.get("/ar/program/?day=1").content.decode()
    assert '<link rel="alternate" hreflang="fa" href="https://talks.example.org/fa/program/?day=1">' in html
    assert '<link rel="alternate" hreflang="en" href="https://talks.example.org/en/program/?day=1">' in html


def test_unknown_transcript_language_falls_back_to_the_interface(client, archive):
    html = client.get("/ar/speeches/smart-cities/?tl=xx&with=zz").content.decode()
    assert '<ol class="segments" lang="ar" dir="rtl"' in html and "is-paired" not in html
