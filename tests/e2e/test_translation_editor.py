"""The translation form's body in the desk's rich-text editor, in a real browser against a real
server, with the desk in English and in Chinese, at desktop (1280 px) and phone (360 px)
widths: an editor writes a translation with bold text and an image from the media library,
looks at the raw HTML, saves, and the stored translation (the API's) has both. Screenshots
under artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import WIDTHS, fits, insert_from_library, new_context, shot, sign_in

pytestmark = pytest.mark.browser

# The desk's language; the article is written in it and translated into the other.
TEXT = {
    "en": {
        "other": "zh",
        "original": "<p>The walks start at the tower.</p>",
        "title": "Skyline walks return {n}",
        "translation": "天际线漫步回归{n}",
        "lead": "漫步",
        "bold": "今晚",
        "after": "从塔下出发。",
        "button": "Image from the library",
        "alt": "黄昏时从河上看到的天际线",
        "caption": "漫步到此结束。",
        "heading": "Articles",
    },
    "zh": {
        "other": "en",
        "original": "<p>漫步从塔下出发。</p>",
        "title": "天际线漫步回归{n}",
        "translation": "Skyline walks return {n}",
        "lead": "The walks start ",
        "bold": "tonight",
        "after": " at the tower.",
        "button": "从媒体库插入图片",
        "alt": "The skyline seen from the river, at dusk",
        "caption": "The walk ends here.",
        "heading": "文章",
    },
}
IMAGE = r'<img src="/media/[0-9a-f]{32}/original\.png" alt="{alt}" width="\d+" height="\d+">'


@pytest.mark.parametrize("size", list(WIDTHS))
@pytest.mark.parametrize("language", ["en", "zh"])
def test_translation_body_with_bold_and_a_library_image(browser, server, language, size):
    text = TEXT[language]
    width = WIDTHS[size]
    tag = f"{language}-{size}"
    other = text["other"]
    context = new_context(browser, server, width)
    page = context.new_page()
    api = {"Authorization": f"Bearer {server.token}"}
    try:
        created = page.request.post(
            "/api/v1/articles",
            headers=api,
            data={
                "section": "business",
                "language": language,
                "title": text["title"].format(n=width),
                "body_html": text["original"],
            },
        )
        assert created.status == 201, created.text()
        public_id = created.json()["id"]
        sign_in(page, server.token)
        if language == "zh":
            page.locator("form.language-form button[value='zh']").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(text["heading"])

        # The translation form: the body is the article form's editor, not a bare textarea.
        page.goto(f"/desk/articles/{public_id}/translations/{other}")
        form = page.locator("form.translation-form")
        editor = form.locator(".jodit-wysiwyg")
        expect(editor).to_be_visible()
        expect(form.locator("#f-body_html")).to_be_hidden()
        button = form.get_by_role("button", name=text["button"])
        expect(button).to_be_visible()
        page.locator("#f-title").fill(text["translation"].format(n=width))

        # Bold, through the toolbar, in the text typed.
        editor.click()
        page.keyboard.type(text["lead"])
        bold = form.locator(".jodit-toolbar-button_bold button")
        bold.click()
        page.keyboard.type(text["bold"])
        bold.click()
        page.keyboard.type(text["after"])
        expect(editor.locator("strong")).to_have_text(text["bold"])
        shot(page, f"translation-editor-toolbar-{tag}", full_page=False)
        assert fits(page), "the translation form scrolls sideways"

        # An image from the library, its text alternative and caption in the translation's
        # language, after the paragraph.
        button.click()
        dialog = page.locator("dialog[data-library]")
        expect(dialog).to_be_visible()
        dialog.locator("[data-search]").fill("skyline")
        expect(dialog.locator(".media-item")).to_have_count(1)
        dialog.locator(".media-item button").first.click()
        alt = dialog.locator("[data-insert-alt]")
        expect(alt).to_be_focused()
        expect(alt).to_have_attribute("lang", "zh-Hans" if other == "zh" else "en")
        insert_from_library(
            page, dialog, editor, text["alt"], text["caption"], f"translation-editor-library-{tag}"
        )
        blocks = editor.evaluate("e => [...e.children].map(c => c.tagName)")
        assert blocks[:2] == ["P", "FIGURE"], blocks

        # The raw HTML toggle shows (and would edit) what the form sends.
        source = form.locator(".jodit-toolbar-button_source button")
        source.click()
        raw = form.locator(".jodit-source textarea")
        expect(raw).to_be_visible()
        expect(raw).to_have_value(re.compile(re.escape(f"<strong>{text['bold']}</strong>")))
        expect(raw).to_have_value(re.compile("<figure>"))
        source.click()
        expect(editor).to_be_visible()
        shot(page, f"translation-editor-written-{tag}")
        assert fits(page), "the translation form scrolls sideways"

        # Saved: the stored translation is the editor's, with the bold text and the figure.
        form.locator("button[type='submit']").click()
        expect(page.locator(".flash-success")).to_be_visible()
        stored = page.request.get(
            f"/api/v1/articles/{public_id}/translations/{other}", headers=api
        ).json()
        assert stored["origin"] == "editor", stored
        # (The space typed before the bold text is the browser's no-break one.)
        body = stored["body_html"].replace("&nbsp;", " ")
        assert body.startswith(
            f"<p>{text['lead']}<strong>{text['bold']}</strong>{text['after']}</p><figure>"
        ), body
        figure_html = re.search(r"<figure>.*?</figure>", body)
        assert figure_html, body
        assert re.search(IMAGE.replace("{alt}", re.escape(text["alt"])), figure_html.group(0)), body
        assert f"<figcaption>{text['caption']}</figcaption>" in figure_html.group(0)
        # And the form shows it again in the editor.
        expect(editor.locator("strong")).to_have_text(text["bold"])
        expect(editor.locator("figure img")).to_have_attribute("alt", text["alt"])
        shot(page, f"translation-editor-saved-{tag}")
    finally:
        context.close()
