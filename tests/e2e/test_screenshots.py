"""Screenshots of the desk, the article and translation editors, the glossary, the models and a
public section page, in both languages, at desktop (1280 px) and phone (360 px) widths, saved
under artifacts/screenshots/ for people to look at; at either width nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, TIMEOUT_MS, sign_in, wait_for_jobs

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 360}
ARTICLE = "2023-07-17-hongqiao-hq-economy-h1"  # a Chinese demo article
HEADINGS = {
    "en": {
        "desk": "Articles",
        "editor": "Edit article",
        "glossary": "Glossary",
        "models": "Translation models",
        "public": "Business in Hongqiao",
    },
    "zh": {
        "desk": "文章",
        "editor": "编辑文章",
        "glossary": "术语表",
        "models": "翻译模型",
        "public": "商务虹桥",
    },
}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_screenshots(browser, server, language):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, server.token)
        wait_for_jobs(page)  # the demo's translations, so that the pages show them
        if language == "zh":
            page.locator("form.language-form button[value='zh']").click()
        expect(page.locator("html")).to_have_attribute(
            "lang", {"en": "en", "zh": "zh-Hans"}[language]
        )
        pages = {
            "desk": "/desk/",
            "editor": f"/desk/articles/{ARTICLE}",
            "translation": f"/desk/articles/{ARTICLE}/translations/en",
            "glossary": "/desk/glossary",
            "models": "/desk/models",
            "public": f"/{language}/business/",
        }
        for size, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 800})
            for name, path in pages.items():
                page.goto(path)
                heading = page.get_by_role("heading", level=1)
                if name in HEADINGS[language]:
                    expect(heading).to_contain_text(HEADINGS[language][name])
                page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{size}.png", full_page=True)
                assert _fits(page), f"{path} scrolls sideways at {width} px"
    finally:
        context.close()
