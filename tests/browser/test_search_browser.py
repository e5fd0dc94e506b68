"""The search page in a real chromium: on a phone the first result is on the first screen."""

from __future__ import annotations

from tests.browser.conftest import screenshot

PHONE = {"width": 390, "height": 844}


def test_phone_shows_the_first_result_on_the_first_screen(browser, site):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.goto(site.url + "/en/search/?q=public+transport")
    first = page.locator(".result").first
    box = first.bounding_box()
    assert box is not None and box["y"] + 40 < PHONE["height"]  # its title is on screen
    assert page.locator(".search-filters").get_attribute("open") is None  # filters folded
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "search-en-phone")
    page.click(".search-filters summary")
    assert page.locator(".search-filters select[name=lang]").is_visible()
    context.close()


def test_nothing_found_offers_other_searches(browser, site):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.goto(site.url + "/en/search/?q=knitting+wool+scarf+patterns&lang=ar")
    assert page.locator(".result").count() == 0
    suggestions = page.locator(".suggestions a")
    assert suggestions.count() == 2  # fewer words, every language
    suggestions.nth(1).click()
    assert "lang=" not in page.url
    context.close()
