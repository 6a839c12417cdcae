"""The hostile corpus through the real API, on both engines: every answer a 2xx or a 4xx, every
feed afterwards valid (lxml, feedparser bozo 0, the JSON Feed 1.1 schema), stored text free of
what XML forbids, the public pages rendering, and no traceback in the logs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from syndicate.feed.validate import validate_json_feed
from tests.hostile.corpus import CASES, RAW_BODIES
from tests.support.factories import article_payload, make_sections

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _tracebacks(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info]


def _check_feeds(feeds: Path) -> int:
    checked = 0
    for path in sorted(feeds.rglob("*")):
        if path.suffix not in (".rss", ".atom", ".json"):
            continue
        data = path.read_bytes()
        if path.suffix == ".json":
            validate_json_feed(data)
        else:
            etree.fromstring(data)  # well-formed XML 1.0
            parsed = feedparser.parse(data)
            assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        checked += 1
    return checked


def test_hostile_articles_get_2xx_or_4xx_and_feeds_stay_valid(
    app, client, admin, editor, tmp_path, caplog
):
    caplog.set_level(logging.INFO)
    make_sections(client, admin)
    answers: dict[str, int] = {}
    created: list[str] = []
    for number, (name, overrides) in enumerate(CASES):
        payload = {**article_payload(status="published"), "id": f"hostile-{number}", **overrides}
        response = client.post("/api/v1/articles", json=payload, headers=editor)
        answers[name] = response.status_code
        assert response.status_code < 500, (name, response.get_data(as_text=True)[:500])
        if response.status_code == 201:
            body = response.get_json()
            created.append(body["id"])
            for field in ("title", "summary", "body_html", "author"):
                assert not FORBIDDEN.search(body[field]), (name, field)
        else:
            assert response.status_code in (400, 409, 413, 422), name
            assert response.mimetype == "application/problem+json"
        # The same content as an edit of a stored article.
        edit = {k: v for k, v in overrides.items() if k != "id"}
        patched = client.patch(
            "/api/v1/articles/hostile-base" if created else "/api/v1/articles/none",
            json={**edit, "revision": 1},
            headers=editor,
        )
        assert patched.status_code < 500, (name, patched.get_data(as_text=True)[:500])
        if name == "control-characters":  # a clean article the later edits go to
            base = {**article_payload(status="published"), "id": "hostile-base"}
            assert client.post("/api/v1/articles", json=base, headers=editor).status_code == 201
    # What must be refused is refused, naming the field.
    for name in ("year-9999", "year-9999-offset", "year-1-offset", "javascript-canonical",
                 "space-canonical", "quote-canonical", "javascript-image", "data-image",
                 "relative-image-space", "naive-date", "numeric-date"):  # fmt: skip
        assert answers[name] == 422, (name, answers[name])
    assert answers["huge-body"] == 413
    for name in ("emoji", "bidi", "cdata-ends", "entity-soup", "broken-html", "epoch",
                 "last-accepted", "leap-day", "idn-canonical", "angle-brackets-text"):  # fmt: skip
        assert answers[name] == 201, (name, answers[name])

    angle = client.get(f"/api/v1/articles/{created[0]}", headers=editor)
    assert angle.status_code == 200
    for article_id in created:
        for language in ("en", "zh"):
            page = client.get(f"/{language}/articles/{article_id}")
            assert page.status_code in (200, 404), (article_id, page.status_code)
    assert client.get("/en/").status_code == 200
    assert client.get("/zh/top-news/").status_code == 200
    checked = _check_feeds(Path(app.config["SYNDICATE_FEEDS_DIR"]))
    assert checked >= 18
    assert not _tracebacks(caplog)


def test_text_that_only_looks_like_markup_is_kept(client, admin, editor):
    make_sections(client, admin)
    payload = article_payload(
        title="Ann Lee <ann@example.com>: x ]]> <![CDATA[ y",
        author="Ann Lee <ann@example.com>",
        summary="a &#1; b &#xFFFE; c <b>bold</b>",
        body_html="<p>a &#1; b &#xFFFE; c</p>",
    )
    body = client.post("/api/v1/articles", json=payload, headers=editor).get_json()
    assert body["title"] == "Ann Lee <ann@example.com>: x ]]> <![CDATA[ y"
    assert body["author"] == "Ann Lee <ann@example.com>"
    assert body["summary"] == "a b c bold"  # forbidden references cleaned at input, tag dropped
    assert body["body_html"] == "<p>a  b  c</p>"


def test_urls_are_checked_as_rfc3986_and_iris_encoded(client, admin, editor):
    make_sections(client, admin)
    for url in ("https://example.com/a b", 'https://example.com/"x', "https://example.com/<s>"):
        response = client.post(
            "/api/v1/articles", json=article_payload(canonical_url=url), headers=editor
        )
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["field"] == "canonical_url"
    iri = "https://例子.测试/路径?q=值"
    body = client.post(
        "/api/v1/articles",
        json=article_payload(canonical_url=iri, image={"url": "/媒体/图.jpg", "alt": "x"}),
        headers=editor,
    ).get_json()
    assert body["canonical_url"] == "https://xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84?q=%E5%80%BC"
    assert body["image"]["url"] == "/%E5%AA%92%E4%BD%93/%E5%9B%BE.jpg"


@pytest.mark.parametrize(("name", "raw"), RAW_BODIES, ids=[name for name, _ in RAW_BODIES])
def test_bodies_that_are_not_json_objects_are_4xx(client, editor, caplog, name, raw):
    response = client.post(
        "/api/v1/articles",
        data=raw,
        headers={**editor, "Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500, (name, response.status_code)
    assert response.mimetype == "application/problem+json"
    assert not _tracebacks(caplog)
