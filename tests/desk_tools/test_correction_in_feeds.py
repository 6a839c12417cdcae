"""A correction note is shown in the feed item and on the page, after the "Updated:" line,
labelled in the reader's language; the note keeps the article's language."""

from __future__ import annotations

import lxml.html

from syndicate.feed.body import compose_body
from tests.support.factories import article_payload, make_sections


def test_correction_note_in_the_page_and_the_feed(sqlite_app, admin_token_sqlite=None):
    app = sqlite_app
    from tests.conftest import _token

    headers = {"Authorization": f"Bearer {_token(app, 'admin')}"}
    client = app.test_client()
    make_sections(client, headers)
    client.post("/api/v1/articles", json=article_payload(status="published"), headers=headers)
    note = "An earlier version gave the wrong number of cities."
    edited = client.patch(
        "/api/v1/articles/yrd-branches-cooperate",
        json={"correction": note, "revision": 1},
        headers=headers,
    )
    assert edited.status_code == 200
    page = lxml.html.fromstring(client.get("/en/articles/yrd-branches-cooperate").data)
    (paragraph,) = page.find_class("correction")
    assert paragraph.text_content() == f"Correction: {note}"
    meta = page.find_class("meta")[0]  # the byline and dates, then the correction
    assert meta.getnext() is paragraph and "Updated:" in meta.text_content()
    feed = client.get("/feeds/en/industrial-cooperation.rss").get_data(as_text=True)
    assert note in feed


def test_correction_is_labelled_in_the_readers_language():
    from datetime import UTC, datetime

    from syndicate import create_app

    app = create_app({"TESTING": True, "SYNDICATE_SECRET_KEY": "x"})
    with app.app_context():
        body = compose_body(
            "<p>正文</p>",
            language="zh",
            base_url="https://news.example.com",
            document_url="https://news.example.com/zh/articles/a",
            updated=datetime(2023, 7, 17, tzinfo=UTC),
            timezone="Asia/Shanghai",
            correction="The date was wrong.",
            correction_language="en",
        )
    paragraph = lxml.html.fragment_fromstring(body, create_parent="div").find_class("correction")[0]
    assert paragraph.find("strong").text == "更正："
    assert paragraph.find("span").get("lang") == "en"
