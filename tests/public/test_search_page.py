import pytest

from rostra.transcripts.domain import SegmentData, save_transcript
from tests.public.content import build_archive

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(data_dir, tmp_path, settings, django_capture_on_commit_callbacks):
    # Words only: the page is tested here, the search app tests matching by meaning.
    settings.ROSTRA_EMBEDDINGS = "none"
    # The search index follows transcripts after commit: run those callbacks here.
    with django_capture_on_commit_callbacks(execute=True):
        return build_archive(tmp_path=tmp_path)


def test_search_finds_a_phrase_and_links_to_its_second(client, archive):
    html = client.get("/en/search/", {"q": "public transport"}).content.decode()
    assert "Smart cities for everyone" in html
    assert "/en/speeches/smart-cities/?tl=en&amp;t=2" in html
    assert "<mark>" in html


def test_search_in_persian_matches_persian_transcript(client, archive):
    html = client.get("/fa/search/", {"q": "حمل‌ونقل عمومی"}).content.decode()
    assert "شهرهای هوشمند برای همه" in html
    assert "?tl=fa&amp;t=2" in html


def test_search_page_escapes_transcript_text(client, archive, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save_transcript(speech=archive.speech, language="en", origin="human",
                        segments=[SegmentData(0, 1000, "<script>alert(1)</script> tramway")])
    html = client.get("/en/search/", {"q": "tramway"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_empty_results_say_so(client, archive):
    html = client.get("/en/search/", {"q": "zebrafish"}).content.decode()
    assert "Nothing found" in html


@pytest.mark.parametrize("language, nothing, fewer", [
    ("fa", "چیزی یافت نشد", "واژه‌های کمتر"), ("ar", "لم يُعثر على شيء", "كلمات أقل")])
def test_empty_results_and_suggestions_in_the_readers_language(client, archive, language,
                                                                nothing, fewer):
    html = client.get(f"/{language}/search/", {"q": "zebrafish tuning pegs"}).content.decode()
    assert nothing in html and fewer in html and "Nothing found" not in html


def test_search_results_query_count(client, archive, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        assert client.get("/en/search/", {"q": "cities"}).status_code == 200
