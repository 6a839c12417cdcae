"""POST /api/v1/media: every accepted format, metadata stripped, refusals that store nothing."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from syndicate.storage import db
from tests.conftest import _token, make_app
from tests.media.conftest import media_count
from tests.media.images import GPS_IFD, drawing, encode, jpeg_with_gps, png_header_only
from tests.support.multipart import multipart

FORMATS = {
    "JPEG": ("image/jpeg", "jpg", {}),
    "PNG": ("image/png", "png", {}),
    "WEBP": ("image/webp", "webp", {}),
    "GIF": ("image/gif", "gif", {}),
}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_upload_each_format(client, editor, upload, fmt):
    media_type, extension, options = FORMATS[fmt]
    image = drawing((1200, 800), "P" if fmt == "GIF" else "RGB")
    if fmt == "GIF":
        image.putpalette([255, 255, 255, 0, 0, 128, 255, 165, 0] + [0] * 759)
    response = upload(encode(image, fmt, **options), f"drawing.{extension}", alt="A drawing")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) >= {"id", "url", "type", "bytes", "width", "height", "alt", "caption"}
    assert body["type"] == media_type
    assert (body["width"], body["height"]) == (1200, 800)
    assert body["alt"] == "A drawing" and body["caption"] == ""
    assert body["url"].startswith("/media/") and body["url"].endswith(f"/original.{extension}")
    assert response.headers["Location"] == f"/api/v1/media/{body['id']}"
    # The main file keeps the format; renditions for pages at 480 and 960 px, WebP and JPEG.
    main = client.get(body["url"])
    assert main.status_code == 200
    assert main.headers["Content-Type"] == media_type
    assert len(main.data) == body["bytes"]
    assert Image.open(io.BytesIO(main.data)).format == fmt
    renditions = {(r["width"], r["type"]) for r in body["renditions"]}
    assert renditions == {(w, t) for w in (480, 960) for t in ("image/webp", "image/jpeg")}
    for rendition in body["renditions"]:
        fetched = client.get(rendition["url"])
        assert fetched.status_code == 200, rendition
        assert fetched.headers["Content-Type"] == rendition["type"]
        assert len(fetched.data) == rendition["bytes"]
        decoded = Image.open(io.BytesIO(fetched.data))
        assert decoded.size == (rendition["width"], rendition["height"])
        assert rendition["height"] == round(800 * rendition["width"] / 1200)


def test_animated_gif_keeps_its_frames(client, upload):
    frames = [drawing((200, 100)), Image.new("RGB", (200, 100), "red")]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=200)
    body = upload(data, "anim.gif").get_json()
    main = Image.open(io.BytesIO(client.get(body["url"]).data))
    assert main.n_frames == 2
    # Narrower than the smallest width: one rendition per format at the image's own width.
    assert {(r["width"], r["type"]) for r in body["renditions"]} == {
        (200, "image/webp"),
        (200, "image/jpeg"),
    }


def test_exif_gps_is_stripped_and_orientation_applied(client, upload):
    original = jpeg_with_gps(orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test has GPS
    response = upload(original, "holiday.jpg")
    assert response.status_code == 201
    body = response.get_json()
    # Orientation 6 means "rotate 90°": the stored image is upright, 800 wide and 1200 tall.
    assert (body["width"], body["height"]) == (800, 1200)
    for url in [body["url"], *(r["url"] for r in body["renditions"])]:
        data = client.get(url).data
        image = Image.open(io.BytesIO(data))
        assert dict(image.getexif()) == {}, url
        assert "exif" not in image.info and "comment" not in image.info, url
        for leak in (b"LeakyCam", b"SERIAL-12345", b"shot at home", b"Exif\x00\x00"):
            assert leak not in data, (url, leak)
    upright = Image.open(io.BytesIO(client.get(body["url"]).data)).convert("RGB")
    # The navy block drawn bottom-left of the landscape original is top-left once rotated.
    assert upright.getpixel((100, 100))[2] > 100 > upright.getpixel((100, 100))[0]


def test_the_same_image_twice_is_the_same_library_entry(upload):
    data = encode(drawing(), "PNG")
    first = upload(data, "a.png")
    second = upload(data, "b.png")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json()["id"] == first.get_json()["id"]
    assert second.get_json()["url"] == first.get_json()["url"]


def _problem(response, status: int, words: str):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert words in body["detail"], body
    assert body["errors"][0]["field"] == "file"
    return body


def test_text_named_jpg_is_refused(app, upload):
    response = upload(b"Not an image at all, just some text.\n" * 20, "photo.jpg")
    _problem(response, 415, "not a JPEG, PNG, WebP or GIF image")
    assert media_count(app) == (0, 0)


def test_truncated_jpeg_is_refused(app, upload):
    data = encode(drawing(), "JPEG", quality=90)
    response = upload(data[: len(data) // 2], "cut.jpg")
    _problem(response, 422, "damaged or truncated")
    assert media_count(app) == (0, 0)


def test_decompression_bomb_is_refused_before_decoding(app, upload):
    response = upload(png_header_only(30000, 30000), "bomb.png")
    body = _problem(response, 422, "30000×30000 pixels")
    assert "SYNDICATE_MAX_IMAGE_PIXELS" in body["detail"]
    assert media_count(app) == (0, 0)


def test_other_format_and_missing_file(client, editor, upload, app):
    bmp = encode(drawing((64, 64)), "BMP")
    _problem(upload(bmp, "a.bmp"), 415, "not a JPEG")
    response = client.post(
        "/api/v1/media", data={"alt": "x"}, headers=editor, content_type="multipart/form-data"
    )
    _problem(response, 422, "is required")
    response = client.post("/api/v1/media", json={"file": "x"}, headers=editor)
    _problem(response, 415, "multipart/form-data")
    assert media_count(app) == (0, 0)


@pytest.fixture
def small_limit_client(tmp_path, sqlite_url):
    app = make_app(tmp_path, sqlite_url, SYNDICATE_MAX_IMAGE_BYTES=20_000)
    yield app, app.test_client(), {"Authorization": f"Bearer {_token(app, 'editor')}"}
    db.database(app).dispose()


def test_oversized_body_is_refused_before_parsing(small_limit_client):
    app, client, headers = small_limit_client
    big = encode(Image.effect_noise((400, 400), 60).convert("RGB"), "PNG")
    assert len(big) > 20_000 + 64 * 1024
    form = {"file": (io.BytesIO(big), "big.png")}
    response = client.post("/api/v1/media", headers=headers, **multipart(form))
    body = _problem(response, 413, "larger than the limit of 20000 bytes")
    assert "SYNDICATE_MAX_IMAGE_BYTES" in body["detail"]
    # A file over the limit inside a body that fits the framing allowance: refused too.
    medium = encode(Image.effect_noise((150, 150), 60).convert("RGB"), "PNG")
    assert 20_000 < len(medium) < 20_000 + 64 * 1024
    form = {"file": (io.BytesIO(medium), "medium.png")}
    response = client.post("/api/v1/media", headers=headers, **multipart(form))
    _problem(response, 413, "larger than the limit")
    assert media_count(app) == (0, 0)


def test_upload_needs_an_editor_token(client):
    form = {"file": (io.BytesIO(encode(drawing(), "PNG")), "a.png")}
    response = client.post("/api/v1/media", data=form, content_type="multipart/form-data")
    assert response.status_code == 401
