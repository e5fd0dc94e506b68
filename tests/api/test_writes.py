"""Token-authenticated writes: the permission matrix, and what each write does."""

from __future__ import annotations

import io
import json
import math
import struct
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rostra.archive.models import Speech
from rostra.review.domain import publishing
from rostra.staff.models import AuditEntry
from tests.api.conftest import bearer, transcript_of

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "moderator", "editor_ar", "editor_fa", "admin"]

PERSIAN_VTT = ("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nشهرهای هوشمند انرژی کمتری مصرف "
               "می‌کنند\n\n00:00:02.000 --> 00:00:04.500\nحمل‌ونقل عمومی نقش مهمی دارد\n")


def wav_bytes(seconds: float = 0.5, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 8)))
                                 for i in range(int(seconds * rate))))
    return buffer.getvalue()


def make_comment(speech):
    from rostra.comments.models import Comment

    return Comment.objects.create(speech=speech, name="Reader", body="Clear and useful talk.",
                                  status=Comment.Status.HELD)


def call(client, endpoint, speech, headers):
    slug = speech.slug
    if endpoint == "create_speech":
        return client.post("/api/speeches", json.dumps({
            "event": "cities-2026", "slug": "new-talk", "title": {"en": "Water in cities"},
            "original_language": "en"}), content_type="application/json", **headers)
    if endpoint == "update_speech":
        return client.patch(f"/api/speeches/{slug}", json.dumps({"title": {"en": "Renamed"}}),
                            content_type="application/json", **headers)
    if endpoint == "upload_media":
        return client.post(f"/api/speeches/{slug}/media",
                           {"file": SimpleUploadedFile("talk.wav", wav_bytes(), "audio/wav")},
                           **headers)
    if endpoint == "process":
        return client.post(f"/api/speeches/{slug}/process", json.dumps({}),
                           content_type="application/json", **headers)
    if endpoint == "upload_transcript_fa":
        return client.post(f"/api/speeches/{slug}/transcripts/fa",
                           {"file": SimpleUploadedFile("talk.fa.vtt", PERSIAN_VTT.encode())},
                           **headers)
    if endpoint == "approve_fa":
        return client.post(f"/api/speeches/{slug}/approve/fa", **headers)
    if endpoint == "publish_fa":
        return client.post(f"/api/speeches/{slug}/publish",
                           json.dumps({"languages": ["fa"], "allow_machine": True}),
                           content_type="application/json", **headers)
    if endpoint == "unpublish":
        return client.post(f"/api/speeches/{slug}/unpublish", **headers)
    if endpoint == "withdraw":
        return client.post(f"/api/speeches/{slug}/withdraw", **headers)
    if endpoint == "edit_transcript_fa":
        fa = transcript_of(speech, "fa")
        return client.put(f"/api/transcripts/{fa.pk}/segments",
                          segments_body(fa, fa.revision, s0="ویرایش"),
                          content_type="application/json", **headers)
    if endpoint == "moderate_comment":
        comment = make_comment(speech)
        return client.post(f"/api/comments/{comment.pk}/moderate",
                           json.dumps({"status": "approved"}), content_type="application/json",
                           **headers)
    raise AssertionError(endpoint)


ALLOWED = {
    "create_speech": {"admin"},
    "update_speech": {"admin"},
    "upload_media": {"admin"},
    "process": {"admin"},
    "upload_transcript_fa": {"admin", "editor_fa"},
    "approve_fa": {"admin", "editor_fa"},
    "publish_fa": {"admin", "editor_fa"},
    "unpublish": {"admin"},
    "withdraw": {"admin"},
    "moderate_comment": {"admin", "moderator"},
    "edit_transcript_fa": {"admin", "editor_fa"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ALLOWED))
def test_permission_matrix_for_write_endpoints(client, speech, tokens, role_users, role,
                                               endpoint, data_dir):
    if endpoint == "unpublish":
        publishing.publish(speech, user=role_users["admin"], languages=["fa"],
                           allow_machine=True)
    headers = {} if role == "anonymous" else bearer(tokens[role])
    response = call(client, endpoint, speech, headers)
    if role == "anonymous":
        assert response.status_code == 401
    elif role in ALLOWED[endpoint]:
        if endpoint == "process":  # allowed, but this speech has no recording yet
            assert response.status_code == 400
            assert "no recording" in response.json()["error"]["message"]
        else:
            assert response.status_code in (200, 201, 202), response.content
            assert AuditEntry.objects.filter(via="api", username=role_users[role].username
                                             ).exists()
    else:
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "forbidden"


def test_create_and_update_speech(client, event, tokens):
    created = client.post("/api/speeches", json.dumps({
        "event": event.slug, "slug": "water", "title": {"en": "Water in cities",
                                                        "ar": "المياه في المدن"},
        "original_language": "ar", "duration_ms": 600000}),
        content_type="application/json", **bearer(tokens["admin"]))
    assert created.status_code == 201
    assert created.json()["title"]["ar"] == "المياه في المدن"
    taken = client.post("/api/speeches", json.dumps({
        "event": event.slug, "slug": "water", "title": {"en": "Again"}}),
        content_type="application/json", **bearer(tokens["admin"]))
    assert taken.status_code == 400 and "taken" in taken.json()["error"]["message"]
    updated = client.patch("/api/speeches/water", json.dumps({"kind": "lecture"}),
                           content_type="application/json", **bearer(tokens["admin"]))
    assert updated.json()["kind"] == "lecture"
    assert updated.json()["title"]["en"] == "Water in cities"
    entry = AuditEntry.objects.get(action="speech.update")
    assert entry.before["kind"] == "" and entry.after["kind"] == "lecture"


def test_upload_media_and_human_transcript(client, speech, tokens, data_dir):
    media = client.post(f"/api/speeches/{speech.slug}/media",
                        {"file": SimpleUploadedFile("talk.wav", wav_bytes(), "audio/wav")},
                        **bearer(tokens["admin"]))
    assert media.status_code == 201, media.content
    assert media.json()["duration_ms"] == 500
    speech.refresh_from_db()
    assert speech.media.sha256 == media.json()["sha256"]
    bad = client.post(f"/api/speeches/{speech.slug}/media",
                      {"file": SimpleUploadedFile("talk.wav", b"not audio at all")},
                      **bearer(tokens["admin"]))
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_request"
    human = client.post(f"/api/speeches/{speech.slug}/transcripts/fa",
                        {"file": SimpleUploadedFile("talk.fa.vtt", PERSIAN_VTT.encode())},
                        **bearer(tokens["editor_fa"]))
    assert human.status_code == 201 and human.json()["origin"] == "human"
    assert speech.transcripts.get(language="fa", origin="human").segments.count() == 2


def test_approve_publish_withdraw_through_the_api(client, speech, tokens):
    for language in ("fa", "ar", "en"):
        assert client.post(f"/api/speeches/{speech.slug}/approve/{language}",
                           **bearer(tokens["admin"])).json()["approved"] is True
    published = client.post(f"/api/speeches/{speech.slug}/publish",
                            json.dumps({"languages": ["fa", "ar", "en"]}),
                            content_type="application/json", **bearer(tokens["admin"])).json()
    assert published == {"slug": speech.slug, "state": "published",
                         "published_languages": ["fa", "ar", "en"], "changed": True}
    assert client.get(f"/api/speeches/{speech.slug}").status_code == 200
    client.post(f"/api/speeches/{speech.slug}/withdraw", **bearer(tokens["admin"]))
    assert client.get(f"/api/speeches/{speech.slug}").status_code == 404
    assert Speech.objects.get(pk=speech.pk).state == "withdrawn"


def test_unapproved_publish_is_refused_without_machine_flag(client, speech, tokens):
    response = client.post(f"/api/speeches/{speech.slug}/publish",
                           json.dumps({"languages": ["en"]}), content_type="application/json",
                           **bearer(tokens["admin"]))
    assert response.status_code == 400
    assert "not approved" in response.json()["error"]["message"]
    assert transcript_of(speech, "en").approved is False


def test_revoked_token_is_refused(client, speech, tokens, admin_ada):
    from rostra.api.models import ApiToken
    from rostra.api.tokens import hash_token, revoke_token

    row = ApiToken.objects.get(token_hash=hash_token(tokens["admin"]))
    revoke_token(row, user=admin_ada)
    assert client.get("/api/me", **bearer(tokens["admin"])).status_code == 401
    me = client.get("/api/me", **bearer(tokens["editor_fa"])).json()
    assert me == {"username": "editor_fa", "roles": ["editor"], "languages": ["fa"]}


def segments_body(transcript, base_revision, **change):
    rows = [{"start_ms": s.start_ms, "end_ms": s.end_ms, "text": s.text,
             "reviewed": s.reviewed} for s in transcript.segments.order_by("position")]
    for index, text in change.items():
        rows[int(index[1:])]["text"] = text
    return json.dumps({"base_revision": base_revision, "segments": rows})


def test_edit_through_the_api_with_conflict(client, speech, tokens):
    fa = transcript_of(speech, "fa")
    base = fa.revision
    url = f"/api/transcripts/{fa.pk}/segments"
    first = client.put(url, segments_body(fa, base, s0="نسخه اول"),
                       content_type="application/json", **bearer(tokens["editor_fa"]))
    assert first.status_code == 200 and first.json()["revision"] == base + 1
    assert first.json()["segments"][0]["text"] == "نسخه اول"
    second = client.put(url, segments_body(fa, base, s2="نسخه دوم"),
                        content_type="application/json", **bearer(tokens["admin"]))
    assert second.status_code == 409
    assert second.json()["error"]["field"] == "base_revision"
    assert transcript_of(speech, "fa").segments.get(position=2).text == FA_TEXT_2
    refused = client.put(url, segments_body(fa, base + 1, s2="x"),
                         content_type="application/json", **bearer(tokens["editor_ar"]))
    assert refused.status_code == 403
    split = client.post(f"/api/transcripts/{fa.pk}/split",
                        json.dumps({"base_revision": base + 1, "position": 1}),
                        content_type="application/json", **bearer(tokens["editor_fa"]))
    assert split.status_code == 200 and len(split.json()["segments"]) == 4
    merged = client.post(f"/api/transcripts/{fa.pk}/merge",
                         json.dumps({"base_revision": base + 2, "position": 1}),
                         content_type="application/json", **bearer(tokens["editor_fa"]))
    assert [s["text"] for s in merged.json()["segments"]][1] == "حمل و نقل عمومی نقش مهمی دارد"


FA_TEXT_2 = "داده‌ها به برنامه‌ریزی کمک می‌کنند"


def test_process_queues_recognition_without_running_it_in_the_request(client, speech, tokens,
                                                                      data_dir):
    from rostra.processing.models import StageRun

    client.post(f"/api/speeches/{speech.slug}/media",
                {"file": SimpleUploadedFile("talk.wav", wav_bytes(), "audio/wav")},
                **bearer(tokens["admin"]))
    response = client.post(f"/api/speeches/{speech.slug}/process", json.dumps({}),
                           content_type="application/json", **bearer(tokens["admin"]))
    assert response.status_code == 202, response.content
    assert response.json() == {"speech": speech.slug,
                               "queued": [{"stage": "asr", "status": "queued"}]}
    assert StageRun.objects.get(speech=speech, stage="asr").status == "queued"
