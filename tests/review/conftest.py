"""Users named by role, and a small archive: one Persian speech with an ASR transcript and
its Arabic and English machine translations."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from rostra.archive.models import Event, Speech
from rostra.staff.models import EditorProfile
from rostra.staff.roles import ensure_role_groups
from rostra.transcripts.domain import SegmentData, save_transcript

PASSWORD = "a long test password 42"


@pytest.fixture(autouse=True)
def private_data_dir(data_dir):
    """Each test gets its own data dir (search index, media), never the shared one."""
    return data_dir


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The default hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, group: str | None = None, languages=(), superuser=False) -> User:
    if superuser:
        user = User.objects.create_superuser(username, f"{username}@example.org", PASSWORD)
    else:
        user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    if group:
        ensure_role_groups()  # a flushed (transactional) test database lacks them
        user.groups.add(Group.objects.get(name=group))
    if languages:
        EditorProfile.objects.create(user=user, languages=list(languages))
    return user


@pytest.fixture
def admin_ada(db):
    return make_user("admin_ada", "admin")


@pytest.fixture
def editor_all(db):
    return make_user("editor_all", "editor")


@pytest.fixture
def editor_fa(db):
    return make_user("editor_fa", "editor", languages=["fa"])


@pytest.fixture
def editor_ar(db):
    return make_user("editor_ar", "editor", languages=["ar"])


@pytest.fixture
def moderator_mona(db):
    return make_user("moderator_mona", "moderator")


@pytest.fixture
def role_users(admin_ada, editor_all, editor_fa, editor_ar, moderator_mona):
    return {"admin": admin_ada, "editor": editor_all, "editor_fa": editor_fa,
            "editor_ar": editor_ar, "moderator": moderator_mona}


FA_SEGMENTS = [
    SegmentData(0, 2000, "شهرهای هوشمند انرژی کمتری مصرف می‌کنند"),
    SegmentData(2000, 4500, "حمل و نقل عمومی نقش مهمی دارد"),
    SegmentData(4500, 7000, "داده‌ها به برنامه‌ریزی کمک می‌کنند"),
]
EN_SEGMENTS = [
    SegmentData(0, 2000, "Smart cities use less energy"),
    SegmentData(2000, 4500, "Public transport plays an important role"),
    SegmentData(4500, 7000, "Data helps planning"),
]
AR_SEGMENTS = [
    SegmentData(0, 2000, "المدن الذكية تستهلك طاقة أقل"),
    SegmentData(2000, 4500, "النقل العام يلعب دورا مهما"),
    SegmentData(4500, 7000, "البيانات تساعد التخطيط"),
]


@pytest.fixture
def event(db):
    return Event.objects.create(slug="cities-2026", name={"en": "Cities 2026", "fa": "شهرها"},
                                languages=["fa", "ar", "en"])


@pytest.fixture
def speech(event):
    speech = Speech.objects.create(event=event, slug="smart-cities",
                                   title={"en": "Smart cities", "fa": "شهرهای هوشمند"},
                                   original_language="fa", state=Speech.State.NEEDS_REVIEW)
    source = save_transcript(speech=speech, language="fa", origin="asr", segments=FA_SEGMENTS,
                             engine="faster-whisper", model="base")
    save_transcript(speech=speech, language="en", origin="mt", segments=EN_SEGMENTS,
                    engine="ctranslate2", model="tiny", source=source)
    save_transcript(speech=speech, language="ar", origin="mt", segments=AR_SEGMENTS,
                    engine="ctranslate2", model="tiny", source=source)
    return speech


def transcript_of(speech, language):
    return speech.transcripts.get(language=language)
