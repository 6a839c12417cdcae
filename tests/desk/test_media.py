"""The desk's media library page, its uploads (form and JSON for the picker), the picker on
the article form, and the alt text it requires with an image."""

from __future__ import annotations

import io

from tests.desk.conftest import api_article, csrf_of, unlabelled_controls
from tests.media.images import drawing, encode
from tests.support.multipart import multipart


def _upload(desk, data: bytes, name: str = "map.png", json: bool = False, **fields):
    form = {"file": (io.BytesIO(data), name), "csrf_token": csrf_of(desk.client), **fields}
    headers = {"Accept": "application/json"} if json else {}
    return desk.client.post("/desk/media", headers=headers, **multipart(form))


def test_library_page_uploads_searches_and_counts_usage(desk, newsroom):
    response = _upload(desk, encode(drawing(), "PNG"), alt="A rail map", caption="Lines")
    assert response.status_code == 303
    page = desk.page(response.headers["Location"])
    assert "added to the library" in page.text_content()
    (item,) = page.xpath("//li[@class='media-item']")
    url = item.xpath(".//code")[0].text
    assert url.startswith("/media/")
    assert item.xpath(".//dd[@class='usage']")[0].text == "0"
    assert item.xpath(".//img")[0].get("alt") == "A rail map"
    assert unlabelled_controls(page) == []
    desk.post(
        "/desk/articles/new",
        {"language": "en", "section": "top-news", "title": "T", "image_url": url,
         "image_alt": "A rail map", "tags": ""},
    )  # fmt: skip
    page = desk.page("/desk/media?q=rail")
    assert page.xpath("//dd[@class='usage']")[0].text == "1"
    assert desk.page("/desk/media?q=nothing-like-it").xpath("//li[@class='media-item']") == []


def test_json_upload_for_the_picker_and_refusals(desk):
    ok = _upload(desk, encode(drawing(), "JPEG"), "a.jpg", json=True, alt="x")
    assert ok.status_code == 201 and ok.get_json()["type"] == "image/jpeg"
    bad = _upload(desk, b"plain text", "a.jpg", json=True)
    assert bad.status_code == 415 and "not a JPEG" in bad.get_json()["error"]
    listing = desk.client.get("/desk/media", headers={"Accept": "application/json"}).get_json()
    assert [item["url"] for item in listing["items"]] == [ok.get_json()["url"]]
    # Without the session's CSRF token nothing is stored.
    form = {"file": (io.BytesIO(encode(drawing(), "PNG")), "b.png")}
    refused = desk.client.post("/desk/media", data=form, content_type="multipart/form-data")
    assert refused.status_code == 403


def test_article_form_has_the_picker_and_requires_alt_with_an_image(desk, newsroom):
    page = desk.page("/desk/articles/new")
    picker = page.xpath("//fieldset[@data-picker]")[0]
    assert picker.get("data-upload-url") == "/desk/media"
    assert picker.xpath(".//input[@type='file']") and picker.xpath(".//dialog")
    assert page.xpath("//script[contains(@src, 'media-picker.js')]")
    assert unlabelled_controls(page) == []
    url = _upload(desk, encode(drawing(), "PNG"), json=True).get_json()["url"]
    form = {"language": "en", "section": "top-news", "title": "T", "image_url": url,
            "image_alt": " ", "tags": ""}  # fmt: skip
    refused = desk.post("/desk/articles/new", form)
    assert refused.status_code == 422
    assert "text alternative is required" in refused.get_data(as_text=True)
    alt = desk.page("/desk/articles/new").get_element_by_id("f-image_alt")
    assert alt.get("required") is None  # no image yet: no alt needed
    saved = desk.post("/desk/articles/new", {**form, "image_alt": "A drawing"})
    assert saved.status_code == 303
    public_id = saved.headers["Location"].rsplit("/", 1)[1]
    assert api_article(desk.app, newsroom, public_id)["image"]["url"] == url
    edit = desk.page(saved.headers["Location"])
    assert edit.get_element_by_id("f-image_alt").get("required") is not None
    assert edit.xpath("//img[@data-preview-image]")[0].get("src") == url


def test_a_plain_form_upload_may_exceed_the_request_limit(desk_app, desk):
    """Without JavaScript the form is posted as it is: an image larger than
    SYNDICATE_MAX_REQUEST_BYTES (other requests' limit) but within the image limit is stored."""
    from PIL import Image

    big = encode(Image.effect_noise((900, 900), 80).convert("RGB"), "PNG")
    assert desk_app.config["SYNDICATE_MAX_REQUEST_BYTES"] < len(big)
    assert len(big) < desk_app.config["SYNDICATE_MAX_IMAGE_BYTES"]
    response = _upload(desk, big, "noise.png", alt="Noise")
    assert response.status_code == 303
    assert "added to the library" in desk.page("/desk/media").text_content()
