"""Home, program and search pages in a real browser; screenshots for people to look at."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_until
from tests.public.content import add_speech

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fuller_site(site):
    for number, (fa, en) in enumerate([("آب و شهر", "Water and the city"),
                                       ("انرژی خورشیدی در خانه", "Solar energy at home"),
                                       ("سلامت و پیاده‌روی", "Health and walking")]):
        add_speech(site.event, slug=f"talk-{number}", title={"fa": fa, "en": en},
                   topics=[site.topic], day=site.session.day, room=site.room,
                   session=site.session, transcripts=False, minute=15 * (number + 1))
    return site


@pytest.mark.parametrize("lang", ["fa", "en", "ar"])
def test_home_page(page, fuller_site, lang):
    page.goto(fuller_site.url + f"/{lang}/")
    assert page.get_attribute("html", "lang") == lang
    assert page.locator(".card").count() == 4
    # The switcher leads to the same page in another language.
    other = "en" if lang != "en" else "fa"
    page.click(f".language-switcher a[hreflang={other}]")
    page.wait_for_url(fuller_site.url + f"/{other}/")
    page.go_back()
    screenshot(page, f"home-{lang}")
    assert page.js_errors == []


def test_program_page(page, fuller_site):
    page.goto(fuller_site.url + "/fa/program/")
    assert page.locator(".program-list li").count() == 4
    screenshot(page, "program-fa")


def test_search_results_page(page, fuller_site):
    page.goto(fuller_site.url + "/en/search/?q=public+transport")
    assert page.locator(".result").count() == 1
    link = page.locator(".hit-time").first
    href = link.get_attribute("href")
    assert "t=" in href
    screenshot(page, "search-en")
    link.click()
    wait_until(page, "document.getElementById('player').readyState >= 1")
    wait_until(page, "document.querySelector('.segment.is-current') !== null")
    page.goto(fuller_site.url + "/fa/search/?q=" + "حمل‌ونقل")
    assert page.locator(".result").count() == 1
    screenshot(page, "search-fa")


def test_phone_width_layout(browser, fuller_site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(fuller_site.url + "/fa/speeches/smart-cities/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows sideways
    screenshot(page, "speech-fa-phone")
    context.close()


def test_keyboard_skip_link_and_visible_focus(page, fuller_site):
    page.goto(fuller_site.url + "/ar/")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const el = document.activeElement, box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return {cls: el.className, top: box.top, outline: style.outlineStyle,
                width: parseFloat(style.outlineWidth)};
    }""")
    assert focused["cls"] == "skip-link" and focused["top"] >= 0
    assert focused["outline"] != "none" and focused["width"] >= 2
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    landmarks = page.evaluate("""() => ['header[role=banner]', 'nav', 'main',
        'footer[role=contentinfo]'].map(s => document.querySelectorAll(s).length)""")
    assert all(count >= 1 for count in landmarks)
