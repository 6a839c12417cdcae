"""The library API beyond upload (list, read, edit, delete) and the /media fast path."""

from __future__ import annotations

from pathlib import Path

from tests.media.conftest import media_count
from tests.media.images import drawing, encode
from tests.support.factories import article_payload


def _upload_three(upload):
    made = []
    for index, (alt, caption) in enumerate(
        [("Hongqiao skyline", "Towers"), ("A rail map", "Lines of the delta"), ("Bars", "")]
    ):
        image = drawing((300 + index * 10, 200))
        made.append(upload(encode(image, "PNG"), f"{index}.png", alt=alt, caption=caption))
    return [r.get_json() for r in made]


def test_list_paginates_and_searches_alt_and_caption(client, editor, upload):
    made = _upload_three(upload)
    listing = client.get("/api/v1/media?per_page=2", headers=editor).get_json()
    assert listing["total"] == 3 and len(listing["items"]) == 2
    assert [i["id"] for i in listing["items"]] == [made[2]["id"], made[1]["id"]]  # newest first
    assert listing["next"] == "/api/v1/media?page=2&per_page=2"
    second = client.get(listing["next"], headers=editor).get_json()
    assert [i["id"] for i in second["items"]] == [made[0]["id"]]
    assert second["previous"] == "/api/v1/media?page=1&per_page=2"
    assert all(item["usage"] == 0 for item in listing["items"])
    by_caption = client.get("/api/v1/media?q=delta", headers=editor).get_json()
    assert [i["id"] for i in by_caption["items"]] == [made[1]["id"]]
    by_alt = client.get("/api/v1/media?q=SKYLINE", headers=editor).get_json()
    assert [i["id"] for i in by_alt["items"]] == [made[0]["id"]]
    bad = client.get("/api/v1/media?per_page=0", headers=editor)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "per_page"


def test_get_and_patch(client, editor, upload):
    made = upload(encode(drawing(), "PNG"), "a.png", alt="old").get_json()
    url = f"/api/v1/media/{made['id']}"
    assert client.get(url, headers=editor).get_json()["alt"] == "old"
    patched = client.patch(url, json={"alt": "<b>New</b> alt", "caption": "C"}, headers=editor)
    assert patched.status_code == 200
    assert (patched.get_json()["alt"], patched.get_json()["caption"]) == ("New alt", "C")
    assert patched.get_json()["url"] == made["url"]  # the image itself never changes
    wrong = client.patch(url, json={"url": "/elsewhere.png", "alt": 3}, headers=editor)
    assert wrong.status_code == 422
    assert {e["field"] for e in wrong.get_json()["errors"]} == {"url", "alt"}
    assert client.get("/api/v1/media/999999", headers=editor).status_code == 404


def test_delete_of_a_used_image_names_the_articles(app, client, editor, admin, upload, newsroom):
    made = upload(encode(drawing(), "PNG"), "a.png", alt="A drawing").get_json()
    image = {"url": made["url"], "alt": "A drawing", "caption": ""}
    for article_id in ("first-story", "second-story"):
        payload = article_payload(id=article_id, image=image)
        assert client.post("/api/v1/articles", json=payload, headers=editor).status_code == 201
    assert client.get(f"/api/v1/media/{made['id']}", headers=editor).get_json()["usage"] == 2
    response = client.delete(f"/api/v1/media/{made['id']}", headers=editor)
    assert response.status_code == 409
    body = response.get_json()
    assert body["articles"] == ["first-story", "second-story"]
    assert "first-story" in body["detail"] and "second-story" in body["detail"]
    assert client.get(made["url"]).status_code == 200
    for article_id in ("first-story", "second-story"):
        assert client.delete(f"/api/v1/articles/{article_id}", headers=editor).status_code == 204
    # A rendition in a body counts as a use too.
    rendition = made["renditions"][0]["url"]
    payload = article_payload(id="third", image=None, body_html=f'<p><img src="{rendition}"></p>')
    assert client.post("/api/v1/articles", json=payload, headers=editor).status_code == 201
    assert client.delete(f"/api/v1/media/{made['id']}", headers=editor).status_code == 409
    client.delete("/api/v1/articles/third", headers=editor)
    assert client.delete(f"/api/v1/media/{made['id']}", headers=editor).status_code == 204
    assert media_count(app) == (0, 0)
    assert client.get(made["url"]).status_code == 404  # this host's copy went with it
    assert not (Path(app.config["SYNDICATE_MEDIA_DIR"]) / made["url"].split("/")[2]).exists()


def test_fast_path_headers_and_conditional_get(app, client, upload):
    made = upload(encode(drawing(), "PNG"), "a.png").get_json()
    first = client.get(made["url"])
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/") and len(etag) == 34
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Content-Type"] == "image/png"
    # Written through to the local folder, byte for byte, for nginx to serve.
    local = Path(app.config["SYNDICATE_MEDIA_DIR"]) / made["url"].removeprefix("/media/")
    assert local.read_bytes() == first.data
    again = client.get(made["url"], headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    listed = client.get(made["url"], headers={"If-None-Match": f'"other", {etag}'})
    assert listed.status_code == 304
    other = client.get(made["url"], headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data == first.data
    since = client.get(made["url"], headers={"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})
    assert since.status_code == 304
    head = client.head(made["url"])
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(first.data))


def test_a_new_host_reads_the_database_once(app, client, upload, tmp_path):
    """Every host serves every image: a second app on the same database and another folder."""
    from syndicate.storage import db
    from tests.conftest import make_app

    made = upload(encode(drawing(), "PNG"), "a.png").get_json()
    other = make_app(tmp_path / "host2", app.config["SYNDICATE_DATABASE_URL"])
    try:
        folder = Path(other.config["SYNDICATE_MEDIA_DIR"])
        assert folder != Path(app.config["SYNDICATE_MEDIA_DIR"])
        assert other.test_client().get(made["url"]).status_code == 200
        assert (folder / made["url"].removeprefix("/media/")).exists()
    finally:
        db.database(other).dispose()


def test_a_deleted_image_leaves_every_hosts_folder_at_its_mirrors_verify(
    app, client, editor, upload, tmp_path
):
    from syndicate.publication import mirror
    from syndicate.storage import db
    from tests.conftest import make_app

    made = upload(encode(drawing(), "PNG"), "a.png").get_json()
    kept = upload(encode(drawing(size=(1000, 700)), "PNG"), "b.png").get_json()
    other = make_app(tmp_path / "host2", app.config["SYNDICATE_DATABASE_URL"])
    try:
        elsewhere = other.test_client()
        folder = Path(other.config["SYNDICATE_MEDIA_DIR"])
        for image in (made, kept):
            assert elsewhere.get(image["url"]).status_code == 200  # written through there
        copy = folder / made["url"].removeprefix("/media/")
        assert copy.exists()
        assert client.delete(f"/api/v1/media/{made['id']}", headers=editor).status_code == 204
        # The other host still has its copy (nginx and its fast path serve from the folder)...
        assert copy.exists() and elsewhere.get(made["url"]).status_code == 200
        # ...until its mirror's next verify, which removes it and keeps the others.
        mirror.for_app(other).verify()
        assert not copy.parent.exists()
        assert elsewhere.get(made["url"]).status_code == 404
        assert (folder / kept["url"].removeprefix("/media/")).exists()
        assert elsewhere.get(kept["url"]).status_code == 200
    finally:
        db.database(other).dispose()


def test_unknown_and_malformed_paths_are_404(client):
    for path in (
        "/media/" + "0" * 32 + "/original.jpg",
        "/media/cafe.jpg",
        "/media/../instance/secret_key",
        "/media/" + "0" * 32 + "/..%2Fsecret",
    ):
        assert client.get(path).status_code == 404, path


def test_an_article_cannot_use_a_library_url_the_library_lacks(client, editor, newsroom):
    missing = "/media/" + "ab" * 16 + "/original.jpg"
    payload = article_payload(image={"url": missing, "alt": "x", "caption": ""})
    response = client.post("/api/v1/articles", json=payload, headers=editor)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "image.url"
    # Other URLs (external, or paths outside the library's shape) stay the editor's call.
    assert (
        client.post("/api/v1/articles", json=article_payload(), headers=editor).status_code == 201
    )
