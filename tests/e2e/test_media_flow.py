"""Images on the desk, in a real browser against a real server: choose a demo image from the
library, upload a photo with progress, be stopped without a text alternative, publish, and
see the image on the public page (served from /media/, renditions chosen by the browser)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.media.images import jpeg_with_gps

pytestmark = pytest.mark.browser


def test_pick_upload_alt_required_publish_and_see_it(page, server, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    photo = tmp_path / "holiday.jpg"
    photo.write_bytes(jpeg_with_gps())
    sign_in(page, server.token)

    page.get_by_role("link", name="New article").click()
    page.get_by_label("Section", exact=True).select_option("business")
    page.get_by_label("Title").fill("Night market opens by the river")
    # The body is written in the desk's rich-text editor (it keeps #f-body_html in step).
    page.locator(".jodit-wysiwyg").click()
    page.keyboard.type("Stalls open at six.")
    image_url = page.locator("#f-image_url")
    alt = page.locator("#f-image_alt")

    # Choose from the library: the demo's drawings, searchable by alt text.
    page.get_by_role("button", name="Choose from the library").click()
    dialog = page.get_by_role("dialog", name="Media library")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".media-item")).to_have_count(15)
    dialog.get_by_label("Search alt text and captions").fill("skyline")
    expect(dialog.locator(".media-item")).to_have_count(1)
    page.screenshot(path=SCREENSHOTS / "media-picker-library-1280.png")
    dialog.locator(".media-item button").first.click()
    expect(dialog).to_be_hidden()
    expect(image_url).to_have_value(re.compile(r"^/media/[0-9a-f]{32}/original\.png$"))
    expect(alt).to_have_value(re.compile("skyline"))  # the library's alt text, to adjust
    expect(page.locator("[data-preview] img")).to_be_visible()

    # Upload a photo instead: progress, then its address; its alt text is still to write.
    alt.fill("")
    page.locator("input[type=file][data-file]").set_input_files(photo)
    expect(page.locator("[data-status]")).to_contain_text("Uploaded", timeout=20_000)
    expect(image_url).to_have_value(re.compile(r"^/media/[0-9a-f]{32}/original\.jpg$"))
    uploaded = image_url.input_value()
    expect(page.locator("[data-preview] img")).to_be_visible()
    assert page.locator("[data-preview] img").evaluate("img => img.naturalWidth") > 0

    # The text alternative is required with an image: the browser will not send the form.
    page.get_by_role("button", name="Save as draft").click()
    assert alt.evaluate("input => input.validity.valueMissing") is True
    expect(page).to_have_url(re.compile(r"/desk/articles/new$"))
    page.screenshot(path=SCREENSHOTS / "media-picker-alt-required-1280.png", full_page=True)
    alt.fill("Lanterns over food stalls beside a river at night")
    page.get_by_label("Caption", exact=True).fill("The market on its first night.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("status")).to_contain_text("was saved as a draft")
    public_id = page.url.rsplit("/", 1)[1]
    expect(image_url).to_have_value(uploaded)

    page.locator("button[data-action='publish']").click()
    expect(page.get_by_role("status").first).to_contain_text("is published")

    # The public page shows it, upright, from the library's renditions.
    page.goto(f"/en/articles/{public_id}")
    lead = page.locator("figure.lead-image img")
    expect(lead).to_be_visible()
    expect(lead).to_have_attribute("alt", "Lanterns over food stalls beside a river at night")
    page.wait_for_function(
        "() => { const i = document.querySelector('figure.lead-image img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    shown = lead.evaluate("img => [img.currentSrc, img.naturalWidth, img.naturalHeight]")
    assert re.search(r"/media/[0-9a-f]{32}/\d+\.(webp|jpg)$", shown[0]), shown
    assert shown[2] > shown[1]  # the photo was taken rotated: it stands upright
    expect(page.locator("figure.lead-image figcaption")).to_have_text(
        "The market on its first night."
    )
    response = page.request.get(shown[0])
    assert response.ok and response.headers["cache-control"].endswith("immutable")
    page.screenshot(path=SCREENSHOTS / "media-article-page-1280.png")

    # The media library page shows it first (newest), used by one article.
    page.goto("/desk/media")
    item = page.locator(".media-item").first
    expect(item.locator(".media-url")).to_have_text(uploaded)
    expect(item.locator(".usage")).to_have_text("1")
    page.screenshot(path=SCREENSHOTS / "media-library-1280.png", full_page=True)


def test_init_demo_gives_every_article_a_working_image(server):
    """`syndicate init --demo` (run by the server fixture, as on a fresh clone): every demo
    article's image, and each of its renditions, answers 200 with an image type."""
    import json
    import urllib.request

    def get(path: str, headers: dict | None = None):
        request = urllib.request.Request(server.url + path, headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()

    auth = {"Authorization": f"Bearer {server.token}"}
    _status, _headers, body = get("/api/v1/articles?per_page=100", auth)
    articles = json.loads(body)["items"]
    demo = [a for a in articles if a["id"].startswith("2023-")]
    assert len(demo) == 15
    library = json.loads(get("/api/v1/media?per_page=200", auth)[2])["items"]
    by_url = {item["url"]: item for item in library}
    for article in demo:
        item = by_url[article["image"]["url"]]
        for url in [item["url"], *(r["url"] for r in item["renditions"])]:
            status, headers, data = get(url)
            assert status == 200, url
            assert headers["Content-Type"].startswith("image/"), url
            assert len(data) > 0
