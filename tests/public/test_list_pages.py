"""Every list page: renders in each language and runs a fixed number of queries."""

import pytest

from rostra.archive.models import Speaker
from tests.public.content import add_speech, build_archive

pytestmark = pytest.mark.django_db

LIST_PAGES = ["/{lang}/", "/{lang}/program/", "/{lang}/topics/cities/", "/{lang}/speakers/",
              "/{lang}/speakers/sara-ahmadi/", "/{lang}/browse/", "/{lang}/browse/IR/",
              "/{lang}/search/", "/{lang}/about/"]


@pytest.fixture
def archive(data_dir, tmp_path):
    archive = build_archive(tmp_path=tmp_path)
    for number in range(12):
        speaker = Speaker.objects.create(event=archive.event, slug=f"speaker-{number}",
                                         names={"en": f"Speaker {number}"}, country="IR",
                                         region="Tehran" if number % 2 else "Shiraz")
        add_speech(archive.event, slug=f"talk-{number}", title={"en": f"Talk {number}"},
                   day=archive.session.day, room=archive.room, session=archive.session,
                   topics=[archive.topic], speaker=speaker, transcripts=False, minute=number + 1)
    add_speech(archive.event, slug="draft-talk", title={"en": "A draft"}, publish=False,
               transcripts=False, topics=[archive.topic])
    return archive


@pytest.mark.parametrize("page", LIST_PAGES)
@pytest.mark.parametrize("lang", ["fa", "ar", "en"])
def test_list_page_renders(client, archive, page, lang):
    response = client.get(page.format(lang=lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{"ltr" if lang == "en" else "rtl"}">' in html
    assert "A draft" not in html and "draft-talk" not in html


@pytest.mark.parametrize("page", LIST_PAGES)
def test_list_page_query_count_is_constant(client, archive, page, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert client.get(page.format(lang="en")).status_code == 200


def test_speech_page_query_count(client, archive, django_assert_max_num_queries):
    # A fixed number per page, whatever the length of the transcript or the archive: the page
    # cache's generation token, the speech with speakers and topics, the transcripts and their
    # segments, the audio tracks and web renditions, the comments, and the related speeches
    # (the speakers' other speeches, the latest on the topics, then their cards with speakers,
    # topics and comment counts: rostra.public.queries.related_speech_ids), and whether the
    # title or abstract is a reviewed machine translation. On PostgreSQL the search index shares the database, so
    # the similar-speeches lookup's two reads of index metadata (the entry table is there, the
    # vectors' signature) count too; on SQLite the index is a file of its own.
    warm_up_search_index(client)
    with django_assert_max_num_queries(17 + index_queries_in_django_database()):
        assert client.get("/en/speeches/smart-cities/?tl=fa&with=en").status_code == 200


def index_queries_in_django_database() -> int:
    from django.db import connection

    return 2 if connection.vendor == "postgresql" else 0


def warm_up_search_index(client) -> None:
    """The first use of the search index in a process creates its tables if missing (on
    PostgreSQL in the Django database, so it would count): a search page does that once,
    outside the count, which is about what every page costs afterwards."""
    assert client.get("/en/search/?q=cities").status_code == 200


def test_home_lists_latest_and_topics(client, archive):
    html = client.get("/en/").content.decode()
    assert "Future Cities Forum" in html
    assert "Talk 11" in html  # the latest published; the list keeps the newest twelve
    assert 'href="/en/topics/cities/"' in html


def test_program_groups_by_day_room_session(client, archive):
    html = client.get("/en/program/").content.decode()
    assert "Day 1" in html and "Hall A" in html and "Urban life" in html
    assert html.index("Smart cities for everyone") < html.index("Talk 11")
    narrowed = client.get("/en/program/?session=urban-life").content.decode()
    assert "Talk 3" in narrowed


def test_browse_by_country_and_region(client, archive):
    html = client.get("/fa/browse/").content.decode()
    assert "ایران" in html and "Shiraz" in html
    region = client.get("/en/browse/IR/?region=Shiraz").content.decode()
    assert "Talk 0" in region and "Talk 1<" not in region


def test_speaker_page_lists_their_speeches(client, archive):
    html = client.get("/en/speakers/sara-ahmadi/").content.decode()
    assert "Sara Ahmadi" in html and "Smart cities for everyone" in html


def test_language_switcher_stays_on_the_page(client, archive):
    html = client.get("/en/speakers/sara-ahmadi/").content.decode()
    assert 'href="/fa/speakers/sara-ahmadi/"' in html
    assert 'href="/ar/speakers/sara-ahmadi/"' in html


def test_unknown_pages_are_404(client, archive):
    assert client.get("/en/speakers/nobody/").status_code == 404
    assert client.get("/en/topics/nothing/").status_code == 404
    assert client.get("/en/speeches/draft-talk/").status_code == 404


def test_not_found_page_is_translated(client, archive):
    response = client.get("/fa/speakers/nobody/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html and "صفحه پیدا نشد" in html


def test_speech_without_transcript_says_so(client, archive):
    html = client.get("/en/speeches/talk-0/").content.decode()
    assert "No transcript has been published for this speech yet." in html
    assert "The recording of this speech is not available." in html
