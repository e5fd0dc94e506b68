"""Related speeches: the same speaker first, then the same topic; never the speech itself."""

import pytest

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
