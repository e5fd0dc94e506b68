"""The published-speech counts kept on speakers and topics (rostra.archive.domain.speech_counts)
stay equal to a fresh count through every change to what they count."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q

from rostra.archive.domain.publishing import publish_speech, withdraw_speech
from rostra.archive.domain.speech_counts import recount_all
from rostra.archive.domain.states import set_speech_state
from rostra.archive.models import Event, Speaker, Speech, SpeechSpeaker, Topic

pytestmark = pytest.mark.django_db


def kept(model) -> dict:
    return dict(model.objects.values_list("slug", "published_speech_count"))


def counted(model) -> dict:
    published = Q(speeches__state="published")
    return dict(model.objects.annotate(n=Count("speeches", filter=published, distinct=True))
                .values_list("slug", "n"))


def assert_counts(**expected_speakers):
    assert kept(Speaker) == counted(Speaker)
    assert kept(Topic) == counted(Topic)
    for slug, number in expected_speakers.items():
        assert kept(Speaker)[slug] == number


@pytest.fixture
def program():
    event = Event.objects.create(slug="health-2026", name={"en": "Health Days"})
    ada, lin = (Speaker.objects.create(event=event, slug=slug, names={"en": slug})
                for slug in ("ada", "lin"))
    water, food = (Topic.objects.create(event=event, slug=slug, name={"en": slug})
                   for slug in ("water", "food"))
    speeches = []
    for number in range(3):
        speech = Speech.objects.create(event=event, slug=f"talk-{number}",
                                       title={"en": f"Talk {number}"})
        SpeechSpeaker.objects.create(speech=speech, speaker=ada, position=0)
        speech.topics.add(water)
        speeches.append(speech)
    SpeechSpeaker.objects.create(speech=speeches[0], speaker=lin, position=1)
    speeches[0].topics.add(food)
    return {"speeches": speeches, "ada": ada, "lin": lin, "water": water, "food": food}


def test_publish_and_withdraw_move_the_counts(program):
    first, second, _ = program["speeches"]
    assert_counts(ada=0, lin=0)
    publish_speech(first, languages=["en"])
    publish_speech(second, languages=["en"])
    assert_counts(ada=2, lin=1)
    assert kept(Topic) == {"water": 2, "food": 1}
    withdraw_speech(first)
    assert_counts(ada=1, lin=0)
    set_speech_state(second, Speech.State.NEEDS_REVIEW)
    assert_counts(ada=0, lin=0)


def test_deleting_a_published_speech_uncounts_it(program):
    first = program["speeches"][0]
    publish_speech(first, languages=["en"])
    assert kept(Topic)["food"] == 1
    first.delete()
    assert_counts(ada=0, lin=0)
    assert kept(Topic) == {"water": 0, "food": 0}


def test_changing_speakers_and_topics_of_a_published_speech(program):
    first = program["speeches"][0]
    publish_speech(first, languages=["en"])
    SpeechSpeaker.objects.filter(speech=first, speaker=program["lin"]).delete()
    first.topics.remove(program["food"])
    assert_counts(ada=1, lin=0)
    program["food"].speeches.add(first)  # from the topic's side
    first.topics.clear()
    assert_counts(ada=1, lin=0)
    assert kept(Topic) == {"water": 0, "food": 0}
    first.topics.set([program["water"], program["food"]])
    assert kept(Topic) == {"water": 1, "food": 1}


def test_saving_a_stale_copy_of_a_speaker_keeps_the_count(program):
    stale = Speaker.objects.get(slug="ada")
    publish_speech(program["speeches"][1], languages=["en"])
    stale.bio = {"en": "Studies clean water."}
    stale.save()  # its in-memory count (0) was read before the publish
    assert_counts(ada=1)


def test_recount_repairs_drift(program):
    publish_speech(program["speeches"][2], languages=["en"])
    Speaker.objects.update(published_speech_count=7)
    recount_all()
    assert_counts(ada=1, lin=0)
