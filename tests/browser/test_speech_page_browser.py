"""The speech page in a real browser: direction, player, transcript sync, tracks, comments."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from rostra.comments.domain import moderate_comment, post_comment
from rostra.comments.models import Comment
from tests.browser.conftest import screenshot, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPEECH = "/{lang}/speeches/smart-cities/"
PLAYER = "document.getElementById('player')"
CURRENT = "document.querySelector('.segment.is-current')"


def open_speech(page, site, lang="fa", query=""):
    page.goto(site.url + SPEECH.format(lang=lang) + query)
    wait_until(page, f"() => {PLAYER}.readyState >= 1")


def current_segment_start(page):
    return page.eval_on_selector(".segment.is-current", "el => +el.dataset.start")


def test_direction_and_language_of_the_page(page, site):
    open_speech(page, site, "fa")
    assert page.get_attribute("html", "lang") == "fa"
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.eval_on_selector("body", "el => getComputedStyle(el).direction") == "rtl"
    assert page.get_attribute("[data-segments]", "lang") == "fa"
    screenshot(page, "speech-fa")
    open_speech(page, site, "en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_attribute("html", "dir") == "ltr"
    # The interface is English; the transcript shown by default follows it.
    assert page.get_attribute("[data-segments]", "lang") == "en"
    assert page.get_attribute("[data-segments]", "dir") == "ltr"
    screenshot(page, "speech-en")
    assert page.js_errors == []


def test_play_seek_and_highlight_follows_current_time(page, site):
    open_speech(page, site, "fa")
    page.evaluate(f"{PLAYER}.play()")
    wait_until(page, f"() => {PLAYER}.currentTime > 0.3")
    assert current_segment_start(page) == 0
    second_start = site.spans[2][0]
    page.evaluate(f"{PLAYER}.currentTime = {second_start / 1000 + 0.5}")
    wait_until(page, f"() => {CURRENT}?.dataset.start == '{second_start}'")
    wait_until(page, f"() => {PLAYER}.currentTime > {second_start / 1000 + 0.7}")
    assert current_segment_start(page) == second_start  # still that segment while it plays
    page.evaluate(f"{PLAYER}.pause()")
    assert page.js_errors == []


def test_click_a_segment_seeks_the_player(page, site):
    open_speech(page, site, "fa")
    target = site.spans[3][0]
    page.click(f".segment[data-start='{target}'] .segment-text")
    wait_until(page, f"() => Math.abs({PLAYER}.currentTime - {target / 1000}) < 1.0")
    assert current_segment_start(page) == target
    assert "?t=" not in page.url  # the click seeks in place instead of reloading


def test_keyboard_reaches_segments_and_seeks(page, site):
    open_speech(page, site, "en")
    target = site.spans[1][0]
    page.focus(f".segment[data-start='{target}'] .segment-time")
    page.keyboard.press("Enter")
    wait_until(page, f"() => Math.abs({PLAYER}.currentTime - {target / 1000}) < 1.0")


def test_link_with_t_opens_at_that_second(page, site):
    target = site.spans[2][0] // 1000 + 1
    open_speech(page, site, "en", f"?t={target}")
    wait_until(page, f"() => Math.abs({PLAYER}.currentTime - {target}) < 0.6")
    assert current_segment_start(page) == site.spans[2][0]


def test_share_link_carries_the_current_second(page, site):
    open_speech(page, site, "en")
    page.evaluate(f"{PLAYER}.currentTime = 6.4")
    wait_until(page, f"() => {PLAYER}.currentTime > 6")
    page.click("[data-share]")
    page.wait_for_selector("[data-share-status][data-link]", state="attached")
    link = page.get_attribute("[data-share-status]", "data-link")
    assert link.startswith(site.url + "/en/speeches/smart-cities/?")
    # the second, and (s=) the sentence playing then, for the shared link's preview
    assert "t=6" in link.split("?", 1)[1].split("&")


def test_tracks_load_with_cues_in_each_language(page, site):
    open_speech(page, site, "fa")
    cues = page.evaluate("""async () => {
        const media = document.getElementById('player');
        const result = {};
        for (const track of media.textTracks) track.mode = 'hidden';
        const deadline = Date.now() + 10000;
        while (Date.now() < deadline) {
            const ready = [...media.textTracks].every(t => t.cues && t.cues.length > 0);
            if (ready) break;
            await new Promise(r => setTimeout(r, 100));
        }
        for (const track of media.textTracks) {
            result[track.language] = {label: track.label, cues: [...(track.cues || [])].map(
                c => ({start: c.startTime, end: c.endTime, text: c.text}))};
        }
        return result;
    }""")
    assert sorted(cues) == ["ar", "en", "fa"]
    assert cues["fa"]["label"] == "فارسی"
    first_fa = cues["fa"]["cues"][0]
    assert "سلام و خوش آمدید" in first_fa["text"]
    assert first_fa["start"] == pytest.approx(0, abs=0.01)
    assert "Hello and welcome" in cues["en"]["cues"][0]["text"]
    assert "مرحبًا بكم" in cues["ar"]["cues"][0]["text"]
    assert page.evaluate("document.querySelector('track[srclang=fa]').readyState") == 2  # LOADED


def test_switch_transcript_language_keeps_the_player(page, site):
    open_speech(page, site, "fa")
    page.evaluate(f"window.playerMarker = {PLAYER}; "
                  f"{PLAYER}.currentTime = 5")
    page.select_option("[data-transcript-language]", "en")
    page.wait_for_selector("[data-segments][lang='en']")
    assert page.get_attribute("[data-segments]", "dir") == "ltr"
    assert "Hello and welcome" in page.inner_text("[data-segments]")
    assert page.evaluate(f"window.playerMarker === {PLAYER}")
    assert "tl=en" in page.url
    # Side by side: Persian original next to the English translation.
    page.select_option("[data-transcript-language]", "fa")
    page.wait_for_selector("[data-segments][lang='fa']")
    page.select_option("[data-transcript-pair]", "en")
    page.wait_for_selector(".segment-paired[lang='en']")
    row = page.inner_text("#seg-1")
    assert "امروز درباره آب" in row and "Today we talk about water" in row
    # The highlight still follows the player after the swap.
    page.evaluate(f"{PLAYER}.currentTime = {site.spans[3][0] / 1000 + 0.2}")
    wait_until(page, f"() => {CURRENT}?.dataset.start == '{site.spans[3][0]}'")
    screenshot(page, "speech-fa-side-by-side")
    assert page.js_errors == []


def login_as_moderator(page, site):
    from django.contrib.auth.models import Group

    from rostra.staff.roles import MODERATOR, ensure_role_groups

    ensure_role_groups()
    moderator = User.objects.create_user("moderator", password="moderator-pw-1", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATOR))
    page.goto(site.url + "/admin/login/?next=/en/comments/moderation/")
    page.fill("#id_username", "moderator")
    page.fill("#id_password", "moderator-pw-1")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/en/comments/moderation/$"))


def approve_in_moderation_page(page, site, text):
    page.goto(site.url + "/en/comments/moderation/")
    screenshot(page, "moderation-en")
    item = page.locator(".moderation-item", has_text=text)
    item.get_by_role("button", name="Approve").click()
    page.wait_for_selector(".message-success")


def test_comment_held_then_approved_then_reply_threaded(browser, page, site):
    open_speech(page, site, "en")
    page.fill("#comment-name", "Leila")
    page.fill("#comment-email", "leila@example.org")
    page.fill("#comment-body", "The part about water was very clear.")
    page.click(".comment-form button[type=submit]")
    # the notice is in the comment section, where the reader is looking
    page.wait_for_selector("#comment-posted")
    assert "moderator" in page.inner_text("#comment-posted")
    assert "The part about water" not in page.inner_text("#comments")

    moderator = browser.new_context().new_page()
    login_as_moderator(moderator, site)
    approve_in_moderation_page(moderator, site, "The part about water")

    open_speech(page, site, "en")
    assert "The part about water was very clear." in page.inner_text("#comments")
    assert "leila@example.org" not in page.content()
    parent = Comment.objects.get(name="Leila")
    page.click(f"#comment-{parent.pk} [data-reply]")
    assert page.is_visible("[data-reply-note]")
    assert page.inner_text("[data-reply-target]") == "Leila"
    page.fill("#comment-name", "Omid")
    page.fill("#comment-body", "Agreed, and the transport numbers too.")
    page.click(".comment-form button[type=submit]")
    page.wait_for_selector("#comment-posted")
    approve_in_moderation_page(moderator, site, "transport numbers")

    open_speech(page, site, "en")
    reply = Comment.objects.get(name="Omid")
    assert reply.parent_id == parent.pk
    reply_item = page.locator(f"#comment-{reply.pk}")
    assert "depth-1" in reply_item.get_attribute("class")
    assert "replying to Leila" in reply_item.inner_text()
    indent = page.evaluate(f"""() => {{
        const parent = document.getElementById('comment-{parent.pk}').getBoundingClientRect();
        const reply = document.getElementById('comment-{reply.pk}').getBoundingClientRect();
        return [parent.left, reply.left, parent.bottom <= reply.top];
    }}""")
    assert indent[1] > indent[0] and indent[2]  # indented (ltr) and below its parent
    moderator.context.close()


def test_the_comment_form_gets_its_token_when_used(page, site):
    """The page carries no CSRF token (the page caches keep it whole): the form asks for the
    reader's own on focus, then posts the comment in one step."""
    open_speech(page, site, "en")
    assert page.get_attribute("[data-comment-token]", "value") == ""
    page.fill("#comment-name", "Sara")
    wait_until(page, "() => document.querySelector('[data-comment-token]').value !== ''")
    assert page.get_attribute("#comment-form", "action").endswith("/smart-cities/post/")
    page.fill("#comment-body", "Useful figures on district heating.")
    page.click(".comment-form button[type=submit]")
    page.wait_for_selector("#comment-posted")
    assert Comment.objects.get(name="Sara").body == "Useful figures on district heating."
    assert page.js_errors == []


def test_without_javascript_a_comment_is_posted_after_a_confirmation(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + SPEECH.format(lang="en"))
    page.fill("#comment-name", "Kaveh")
    page.fill("#comment-body", "Posted from a browser without scripts.")
    page.click(".comment-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/smart-cities/confirm/$"))
    assert not Comment.objects.filter(name="Kaveh").exists()
    assert page.input_value("#comment-body") == "Posted from a browser without scripts."
    page.click(".comment-form button[type=submit]")
    page.wait_for_selector("#comment-posted")
    assert Comment.objects.get(name="Kaveh").status == "held"
    context.close()


def test_script_and_bidi_override_in_a_comment_show_as_text(page, site):
    body = ("<script>window.pwned = 1</script><img src=x onerror=\"window.pwned=2\"> "
            "\u202eabc\u202c done")
    comment = post_comment(speech=site.speech, name="\u202eMallory", body=body)
    moderate_comment(comment=comment, status="approved")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_speech(page, site, "fa")
    node = page.locator(f"#comment-{comment.pk} .comment-body")
    # direction from the dominant script (Latin here), not the first strong letter
    assert node.get_attribute("dir") == "ltr"
    assert node.inner_text().startswith("<script>window.pwned = 1</script>")
    assert page.evaluate("window.pwned") is None
    assert page.locator(f"#comment-{comment.pk} script").count() == 0
    assert page.locator(f"#comment-{comment.pk} img").count() == 0
    # The override stays inside the comment: the page and the text after it keep their direction.
    assert page.get_attribute("html", "dir") == "rtl"
    style = "(selector, name) => getComputedStyle(document.querySelector(selector))[name]"
    assert page.evaluate(f"({style})('.comment-form', 'direction')") == "rtl"
    body_selector = f"#comment-{comment.pk} .comment-body"
    assert page.evaluate(f"({style})('{body_selector}', 'unicodeBidi')") == "isolate"
    assert dialogs == []
    screenshot(page, "comment-hostile-text")
