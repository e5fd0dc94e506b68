"""The review pages through the test client: permission matrix, editor, conflict, queue."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override

from rostra.archive.models import Speech
from dataclasses import replace

from rostra.review.domain import editing
from tests.review.conftest import FA_SEGMENTS, transcript_of

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "moderator", "editor_ar", "editor_fa", "admin"]


def client_for(client, role_users, role):
    if role != "anonymous":
        client.force_login(role_users["moderator" if role == "moderator" else role])
    return client


def editor_form(transcript, **overrides):
    data = {"base_revision": transcript.revision,
            "count": transcript.segments.count(), "op": "save", "note": ""}
    for i, segment in enumerate(transcript.segments.order_by("position")):
        data[f"seg-{i}-start"] = f"{segment.start_ms / 1000:.3f}"
        data[f"seg-{i}-end"] = f"{segment.end_ms / 1000:.3f}"
        data[f"seg-{i}-text"] = segment.text
    data.update(overrides)
    return data


# Each write page, what it does to the Persian transcript of the speech, and the roles that
# may do it. editor_ar edits Arabic only, so every Persian write is refused to them.
WRITE_PAGES = {
    "edit": ({"admin", "editor_fa"}),
    "approve": ({"admin", "editor_fa"}),
    "publish_fa": ({"admin", "editor_fa"}),
    "withdraw": ({"admin"}),
    "revert": ({"admin", "editor_fa"}),
    "tokens": ({"admin"}),
}


def do_write(client, page, speech):
    fa = transcript_of(speech, "fa")
    if page == "edit":
        return client.post(reverse("review:editor", args=[fa.pk]),
                           editor_form(fa, **{"seg-0-text": "متن ویرایش شده"}))
    if page == "approve":
        return client.post(reverse("review:approve", args=[speech.slug, "fa"]))
    if page == "publish_fa":
        return client.post(reverse("review:publish", args=[speech.slug]),
                           {"languages": ["fa"], "allow_machine": "1"})
    if page == "withdraw":
        return client.post(reverse("review:withdraw", args=[speech.slug]))
    if page == "revert":
        return client.post(reverse("review:revert", args=[fa.pk, fa.revision - 1]),
                           {"base_revision": fa.revision})
    if page == "tokens":
        return client.post(reverse("api_tokens:list"), {"name": "main site"})
    raise AssertionError(page)


def effect_happened(page, speech):
    speech.refresh_from_db()
    fa = transcript_of(speech, "fa")
    if page == "edit":
        return fa.segments.get(position=0).text == "متن ویرایش شده"
    if page == "approve":
        return fa.approved
    if page == "publish_fa":
        return speech.state == Speech.State.PUBLISHED
    if page == "withdraw":
        return speech.state == Speech.State.WITHDRAWN
    if page == "revert":
        return fa.segments.get(position=0).text == FA_SEGMENTS[0].text
    if page == "tokens":
        from rostra.api.models import ApiToken
        return ApiToken.objects.exists()
    raise AssertionError(page)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(WRITE_PAGES))
def test_permission_matrix_for_write_pages(client, role_users, speech, role, page):
    if page == "revert":  # give the transcript a revision to go back to
        fa = transcript_of(speech, "fa")
        changes = editing.current_segments(fa)
        changes[0] = replace(changes[0], text="a later edit")
        editing.edit_segments(fa, user=role_users["admin"], base_revision=fa.revision,
                              changes=changes)
    client = client_for(client, role_users, role)
    response = do_write(client, page, speech)
    allowed = role in WRITE_PAGES[page]
    if role == "anonymous":
        assert response.status_code == 302 and "/review/login/" in response["Location"]
    elif allowed:
        assert response.status_code in (200, 302), response.content[:300]
    else:
        assert response.status_code == 403
    assert effect_happened(page, speech) == allowed


@pytest.mark.parametrize("role,expected", [("anonymous", 302), ("moderator", 403),
                                           ("editor_ar", 200), ("editor_fa", 200),
                                           ("admin", 200)])
def test_queue_visibility(client, role_users, speech, role, expected):
    response = client_for(client, role_users, role).get(reverse("review:queue"))
    assert response.status_code == expected


def test_queue_lists_states_counts_and_failure_reason(client, editor_fa, speech, event):
    Speech.objects.create(event=event, slug="broken-recording", title={"en": "Broken"},
                          state=Speech.State.FAILED, failure_reason="the audio track is empty")
    client.force_login(editor_fa)
    # The queue is in the interface language: English here, Persian (with its digits) below.
    with override("en"):
        page = client.get(reverse("review:queue")).content.decode()
    assert "Needs review · 1" in page and "Failed · 1" in page
    with override("fa"):
        persian = client.get(reverse("review:queue")).content.decode()
    assert '<html lang="fa" dir="rtl">' in persian
    assert "نیازمند بازبینی · ۱" in persian and "ناموفق · ۱" in persian
    assert "the audio track is empty" in page
    failed = client.get(reverse("review:queue") + "?state=failed").content.decode()
    assert "broken-recording" in failed and "smart-cities" not in failed
    pending = client.get(reverse("review:queue") + "?pending=fa").content.decode()
    assert "smart-cities" in pending


def test_queue_query_count_does_not_grow_with_speeches(client, editor_fa, speech, event):
    from tests.review.conftest import EN_SEGMENTS
    from rostra.transcripts.domain import save_transcript

    client.force_login(editor_fa)
    url = reverse("review:queue")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(15):
        extra = Speech.objects.create(event=event, slug=f"extra-{n}", title={"en": f"Extra {n}"},
                                      state=Speech.State.NEEDS_REVIEW)
        save_transcript(speech=extra, language="en", origin="asr", segments=EN_SEGMENTS)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_editor_page_shows_segments_and_conflict_page(client, editor_fa, editor_all, speech):
    fa = transcript_of(speech, "fa")
    client.force_login(editor_fa)
    page = client.get(reverse("review:editor", args=[fa.pk])).content.decode()
    assert "حمل و نقل عمومی نقش مهمی دارد" in page and 'dir="rtl"' in page
    stale_form = editor_form(fa)
    response = client.post(reverse("review:editor", args=[fa.pk]),
                           editor_form(fa, **{"seg-0-text": "نسخه ویراستار اول"}))
    assert response.status_code == 302
    other = client.__class__()
    other.force_login(editor_all)
    stale_form["seg-2-text"] = "نسخه ویراستار دوم"
    with override("en"):  # the conflict page is in the interface language: English here
        conflict = other.post(reverse("review:editor", args=[fa.pk]), stale_form)
    assert conflict.status_code == 409
    body = conflict.content.decode()
    assert "Take theirs" in body and "Keep mine" in body and "Merge by hand" in body
    assert "نسخه ویراستار اول" in body and "نسخه ویراستار دوم" in body
    fa.refresh_from_db()
    assert fa.segments.get(position=2).text == "داده‌ها به برنامه‌ریزی کمک می‌کنند"
    # keep mine: the conflict page's form carries my version and the current revision
    mine_json = conflict.context["mine_json"]
    kept = other.post(reverse("review:editor", args=[fa.pk]),
                      {"base_revision": fa.revision, "segments_json": mine_json, "op": "save"})
    assert kept.status_code == 302
    fa.refresh_from_db()
    assert fa.segments.get(position=2).text == "نسخه ویراستار دوم"
    # merge by hand opens the editor with theirs beside mine
    # (the editor is in the interface language, so the test says which: English)
    with override("en"):
        loaded = other.post(reverse("review:editor", args=[fa.pk]),
                            {"base_revision": fa.revision, "segments_json": mine_json,
                             "op": "load"})
    assert loaded.status_code == 200 and "Their version" in loaded.content.decode()


def test_split_and_merge_buttons(client, editor_fa, speech):
    fa = transcript_of(speech, "fa")
    client.force_login(editor_fa)
    url = reverse("review:editor", args=[fa.pk])
    client.post(url, editor_form(fa, op="split:1", split_at=str(len("حمل و نقل"))))
    fa.refresh_from_db()
    assert fa.segments.count() == 4
    assert fa.segments.get(position=1).text == "حمل و نقل"
    client.post(url, editor_form(fa, op="merge:1"))
    fa.refresh_from_db()
    assert fa.segments.get(position=1).text == "حمل و نقل عمومی نقش مهمی دارد"


def test_bad_time_keeps_the_editors_work(client, editor_fa, speech):
    fa = transcript_of(speech, "fa")
    client.force_login(editor_fa)
    response = client.post(reverse("review:editor", args=[fa.pk]),
                           editor_form(fa, **{"seg-0-text": "کار ذخیره نشده",
                                              "seg-1-end": "abc"}))
    assert response.status_code == 400
    assert "is not a time" in response.content.decode()


def test_history_diff_and_media_range(client, editor_fa, speech, data_dir):
    from rostra.archive.models import MediaAsset

    fa = transcript_of(speech, "fa")
    client.force_login(editor_fa)
    client.post(reverse("review:editor", args=[fa.pk]),
                editor_form(fa, **{"seg-0-text": "متن نو"}))
    fa.refresh_from_db()
    history = client.get(reverse("review:history", args=[fa.pk])).content.decode()
    assert "speech recognition output" in history and "editor_fa" in history
    diff = client.get(reverse("review:diff", args=[fa.pk]) +
                      f"?from={fa.revision - 1}&to={fa.revision}").content.decode()
    assert 'class="removed"' in diff and "متن نو" in diff
    media_path = data_dir / "media" / "ab" / "clip.ogg"
    media_path.parent.mkdir(parents=True)
    media_path.write_bytes(bytes(range(256)) * 4)
    speech.media = MediaAsset.objects.create(sha256="ab" * 32, size=1024, path="ab/clip.ogg",
                                             mime_type="audio/ogg")
    speech.save()
    url = reverse("review:media", args=[speech.slug])
    partial = client.get(url, HTTP_RANGE="bytes=10-19")
    assert partial.status_code == 206
    assert partial["Content-Range"] == "bytes 10-19/1024"
    assert b"".join(partial.streaming_content) == bytes(range(10, 20))
    assert client.get(url, HTTP_RANGE="bytes=5000-").status_code == 416
    assert len(b"".join(client.get(url).streaming_content)) == 1024


def test_login_logout_password_change(client, editor_fa):
    from tests.review.conftest import PASSWORD

    response = client.post(reverse("review:login"), {"username": "editor_fa",
                                                     "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].endswith("/review/queue/")
    response = client.post(reverse("review:password_change"), {
        "old_password": PASSWORD, "new_password1": "another long password 77",
        "new_password2": "another long password 77"})
    assert response.status_code == 302
    assert client.post(reverse("review:logout")).status_code == 302
    assert client.get(reverse("review:queue")).status_code == 302
    assert client.login(username="editor_fa", password="another long password 77")


@pytest.mark.parametrize("role,expected", [("moderator", 200), ("admin", 200),
                                           ("editor_fa", 403)])
def test_moderators_reach_the_comments_moderation_page(client, role_users, role, expected):
    client.force_login(role_users[role])
    assert client.get(reverse("comments:moderation")).status_code == expected
    home = client.get(reverse("review:home")).content.decode()
    # the link, whatever the interface language (the home page is Persian at /fa/)
    assert (f'href="{reverse("comments:moderation")}"' in home) == (expected == 200)


def test_diff_defaults_to_the_previous_recorded_revision(client, editor_fa, speech):
    fa = transcript_of(speech, "fa")
    client.force_login(editor_fa)
    client.post(reverse("review:editor", args=[fa.pk]),
                editor_form(fa, **{"seg-0-text": "متن نو"}))
    response = client.get(reverse("review:diff", args=[fa.pk]))
    assert response.status_code == 200
    assert "متن نو" in response.content.decode()
    assert response.context["old_number"] == fa.revision


def test_editors_get_editor_links_only_for_their_languages(client, editor_fa, speech):
    client.force_login(editor_fa)
    page = client.get(reverse("review:queue")).content.decode()
    assert reverse("review:editor", args=[transcript_of(speech, "fa").pk]) in page
    assert reverse("review:editor", args=[transcript_of(speech, "ar").pk]) not in page


def test_user_admin_page_edits_editor_languages(client, admin_ada, editor_fa):
    admin_ada.is_staff = True
    admin_ada.is_superuser = True
    admin_ada.save()
    client.force_login(admin_ada)
    page = client.get(f"/admin/auth/user/{editor_fa.pk}/change/")
    assert page.status_code == 200
    assert "languages this editor may edit" in page.content.decode().lower()
