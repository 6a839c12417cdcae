"""The body editor's library button and an editor's translation's history, in a real browser
against a real server, in English and Chinese, at desktop (1280 px) and phone (360 px) widths:
insert an image from the media library at the caret (its text alternative and caption asked
first), save, and find the figure in the saved body; save a translation twice, restore the
first revision from its history and see it in the translation. Screenshots under
artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import WIDTHS, fits, insert_from_library, new_context, shot, sign_in

pytestmark = pytest.mark.browser

TEXT = {
    "en": {
        "other": "zh",
        "title": "Skyline walks return {n}",
        "first": "The walks start at the tower.",
        "second": "Tickets are free.",
        "button": "Image from the library",
        "alt": "The skyline seen from the river, at dusk",
        "caption": "The walk ends here.",
        "saved": "Saved (revision 2)",
        "translations": ["天际线漫步回归", "天际线漫步今晚回归"],
        "restored": "Revision 1 is restored as revision 3.",
        "heading": "Articles",
    },
    "zh": {
        "other": "en",
        "title": "天际线漫步回归{n}",
        "first": "漫步从塔下出发。",
        "second": "门票免费。",
        "button": "从媒体库插入图片",
        "alt": "黄昏时从河上看到的天际线",
        "caption": "漫步到此结束。",
        "saved": "已保存（第 2 版）",
        "translations": ["Skyline walks return", "Skyline walks return tonight"],
        "restored": "修订版本 1 已恢复为修订版本 3。",
        "heading": "文章",
    },
}


@pytest.mark.parametrize("size", list(WIDTHS))
@pytest.mark.parametrize("language", ["en", "zh"])
def test_library_image_in_the_body_and_translation_restore(browser, server, language, size):
    text = TEXT[language]
    width = WIDTHS[size]
    tag = f"{language}-{size}"
    title = text["title"].format(n=width)
    context = new_context(browser, server, width)
    page = context.new_page()
    try:
        created = page.request.post(
            "/api/v1/articles",
            headers={"Authorization": f"Bearer {server.token}"},
            data={
                "section": "business",
                "language": language,
                "title": title,
                "body_html": f"<p>{text['first']}</p><p>{text['second']}</p>",
            },
        )
        assert created.status == 201, created.text()
        public_id = created.json()["id"]
        sign_in(page, server.token)
        if language == "zh":
            page.locator("form.language-form button[value='zh']").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(text["heading"])

        # Open the article; put the caret after the first paragraph's text.
        page.goto(f"/desk/articles/{public_id}")
        editor = page.locator(".jodit-wysiwyg")
        editor.locator("p").first.click()
        page.keyboard.press("End")
        button = page.get_by_role("button", name=text["button"])
        expect(button).to_be_visible()
        shot(page, f"editor-library-toolbar-{tag}", full_page=False)
        assert fits(page), "the editor scrolls sideways"

        # The library opens for the body; choose the skyline, say what it shows, insert it.
        button.click()
        dialog = page.locator("dialog[data-library]")
        expect(dialog).to_be_visible()
        expect(dialog.locator(".media-item").first).to_be_visible()
        dialog.locator("[data-search]").fill("skyline")
        expect(dialog.locator(".media-item")).to_have_count(1)
        dialog.locator(".media-item button").first.click()
        alt = dialog.locator("[data-insert-alt]")
        expect(alt).to_be_focused()
        expect(dialog.locator("[data-grid]")).to_be_hidden()
        alt.fill("")
        dialog.locator("[data-insert-confirm]").click()
        assert alt.evaluate("input => input.validity.valueMissing") is True  # alt is required
        expect(dialog).to_be_visible()
        insert_from_library(
            page, dialog, editor, text["alt"], text["caption"], f"editor-library-insert-{tag}"
        )
        # At the caret: between the two paragraphs, which are kept whole.
        blocks = editor.evaluate("e => [...e.children].map(c => c.tagName)")
        assert blocks == ["P", "FIGURE", "P"], blocks
        shot(page, f"editor-library-inserted-{tag}")
        assert fits(page), "the editor scrolls sideways"

        # The same dialog (static/media-library.js) still chooses the lead image: no alt asked
        # there (the lead image has its own fields), nothing more in the body.
        page.locator("[data-open-library]").click()
        expect(dialog).to_be_visible()
        dialog.locator("[data-search]").fill("skyline")
        expect(dialog.locator(".media-item")).to_have_count(1)
        dialog.locator(".media-item button").first.click()
        expect(dialog).to_be_hidden()
        lead = page.locator("#f-image_url")
        expect(lead).to_have_value(re.compile(r"^/media/[0-9a-f]{32}/original\.png$"))
        expect(page.locator("#f-image_alt")).to_have_value(re.compile("skyline"))
        expect(editor.locator("figure")).to_have_count(1)

        # Save: the stored body has the figure, as the sanitizer keeps it.
        page.locator("form.article-form button[type='submit']").click()
        expect(page.locator(".flash-success")).to_contain_text(text["saved"])
        saved = page.request.get(
            f"/api/v1/articles/{public_id}", headers={"Authorization": f"Bearer {server.token}"}
        ).json()["body_html"]
        figure_html = re.search(r"<figure>.*?</figure>", saved)
        assert figure_html, saved
        assert re.search(
            r'<img src="/media/[0-9a-f]{32}/original\.png" alt="'
            + re.escape(text["alt"])
            + r'" width="\d+" height="\d+">',
            figure_html.group(0),
        ), saved
        assert f"<figcaption>{text['caption']}</figcaption>" in figure_html.group(0)
        assert saved.startswith(f"<p>{text['first']}</p><figure>"), saved
        assert saved.endswith(f"</figure><p>{text['second']}</p>"), saved
        assert lead.input_value() in figure_html.group(0)  # the same image, as the lead

        # An editor's translation, saved twice; its history restores the first.
        other = text["other"]
        page.goto(f"/desk/articles/{public_id}/translations/{other}")
        for version in text["translations"]:
            page.locator("#f-title").fill(version)
            # Its body is in the same editor (tests/e2e/test_translation_editor.py).
            editor.click()
            page.keyboard.press("Control+A")
            page.keyboard.type(version)
            page.locator("form.translation-form button[type='submit']").click()
            expect(page.locator(".flash-success")).to_be_visible()
        page.locator("a[data-action='history']").click()
        expect(page).to_have_url(re.compile(rf"/history\?language={other}$"))
        rows = page.locator("table.revisions tbody tr")
        expect(rows).to_have_count(2)
        expect(page.locator(".diff ins").first).to_be_visible()
        shot(page, f"translation-history-{tag}")
        assert fits(page), "the history scrolls sideways"
        page.locator("tr[data-revision='1'] button[data-action='restore']").click()
        expect(page.locator(".flash-success")).to_contain_text(text["restored"])
        expect(rows).to_have_count(3)
        shot(page, f"translation-restored-{tag}")
        page.locator("a[data-action='edit-translation']").click()
        expect(page.locator("#f-title")).to_have_value(text["translations"][0])
        expect(page.locator(".badge.origin-editor")).to_be_visible()
    finally:
        context.close()
