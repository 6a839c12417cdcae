"""The pages readers land on, in a real browser: home, section and article pages in both
languages at desktop (1280 px) and phone (360 px) widths, saved under artifacts/screenshots/
(``public-<page>-<language>-<size>.png``). Nothing scrolls sideways, the newsroom's name heads
every page, the lead story and the thumbnails are laid out as on a news portal, and the CSP
blocks nothing the page needs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, TIMEOUT_MS, sign_in, wait_for_jobs

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 360}
ORIGINAL = "2023-06-01-hongqiao-yrd-forum-links"  # English, translated by the worker
SITE_NAME = {"en": "Hongqiao News", "zh": "虹桥新闻"}
PAGES = {
    "home": "/{language}/",
    "section": "/{language}/hongqiao-yrd/",
    "article": f"/{{language}}/articles/{ORIGINAL}",
    "missing": "/{language}/articles/no-such-story",
}


@pytest.fixture(scope="module")
def translated(browser, server) -> None:
    """The demo's translations done, so that the Chinese pages show them."""
    context = browser.new_context(base_url=server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, server.token)
        wait_for_jobs(page)
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_public_pages(browser, server, translated, language):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        for size, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            for name, template in PAGES.items():
                path = template.format(language=language)
                response = page.goto(path)
                assert response.status == (404 if name == "missing" else 200), path
                expect(page.locator("html")).to_have_attribute(
                    "lang", {"en": "en", "zh": "zh-Hans"}[language]
                )
                expect(page.locator(".site-name")).to_contain_text(SITE_NAME[language])
                expect(page.get_by_role("heading", level=1)).to_be_visible()
                if name in ("home", "section"):
                    expect(page.locator(".lead-story h2")).to_be_visible()
                    assert page.locator(".entries .thumb img").count() > 0
                if name == "article":
                    expect(page.locator("figure.lead-image img")).to_be_visible()
                    expect(page.locator(".also-in a")).to_have_count(1)
                page.screenshot(
                    path=SCREENSHOTS / f"public-{name}-{language}-{size}.png", full_page=True
                )
                fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
                assert fits, f"{path} scrolls sideways at {width} px"
        assert violations == []
    finally:
        context.close()
