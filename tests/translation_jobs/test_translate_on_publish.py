"""Publishing or editing enqueues translation; the job stores the variant; feeds show it.

Memory queue: huey runs each job as it is enqueued, through the real task and the real engine.
"""

from __future__ import annotations

import orjson

from syndicate.translation import service
from tests.translation_jobs.conftest import (
    add_glossary,
    add_section,
    article,
    create,
    en_article,
    feed_json,
    jobs_of,
    variant,
    zh_article,
)


def test_published_articles_are_translated_with_the_glossary(app, client, editor, admin):
    add_section(client, admin)
    add_glossary(client, editor)
    create(client, editor, en_article())
    create(client, editor, zh_article())

    zh = variant(app, "hongqiao-hub", "zh")
    assert (zh.origin, zh.status, zh.source_revision) == ("machine", "ready", 1)
    assert zh.engine == "argos:translate-en_zh@0.0.1"
    assert zh.title == "A NEW HUB OPENS IN 虹桥"
    assert zh.summary.startswith("闵行 WELCOMES THE 长三角")
    assert zh.image_caption == "THE STATION HALL"
    assert zh.image_alt == "A BUSY HALL"
    # Markup intact around translated text; the link keeps its URL; img alt is translated.
    assert '<a href="https://example.com/hq">虹桥</a>' in zh.body_html
    assert 'alt="THE STATION HALL"' in zh.body_html
    assert 'src="/media/hub.jpg"' in zh.body_html
    assert "KINGDOM Coffee" in zh.body_html  # a "keep" term: not upper-cased by the model
    assert zh.body_html.count("<p>") == 3

    en = variant(app, "minhang-budget", "en")
    assert (en.origin, en.status, en.engine) == ("machine", "ready", "argos:translate-zh_en@0.0.1")
    assert en.title.startswith("Minhang")
    assert "Yangtze River Delta" in en.summary
    assert "<strong>" in en.body_html

    state = article(client, editor, "hongqiao-hub")["translations"]["zh"]
    assert state | {"origin": "machine", "status": "ready", "stale": False} == state
    assert state["model"] == "argos:translate-en_zh@0.0.1"

    zh_feed = feed_json(client, app, "zh", "hongqiao")
    items = {i["id"].rsplit("/", 2)[-2]: i for i in orjson.loads(zh_feed)["items"]}
    assert items["hongqiao-hub"]["title"] == "A NEW HUB OPENS IN 虹桥"
    assert '<a href="https://example.com/hq">虹桥</a>' in items["hongqiao-hub"]["content_html"]
    assert "A BUSY HALL" in zh_feed
    en_feed = feed_json(client, app, "en", "hongqiao")
    assert "Minhang" in orjson.loads(en_feed)["items"][0]["title"]

    done = [(j.language, j.status, j.attempts, j.progress) for j in jobs_of(app)]
    assert done == [("zh", "done", 1, 1.0), ("en", "done", 1, 1.0)]


def test_drafts_are_not_translated_until_published(app, client, editor, admin):
    add_section(client, admin)
    create(client, editor, en_article(status="draft"))
    assert jobs_of(app) == []
    assert article(client, editor, "hongqiao-hub")["translations"]["zh"]["status"] == "missing"

    response = client.post("/api/v1/articles/hongqiao-hub/publish", headers=editor)
    assert response.status_code == 200
    assert variant(app, "hongqiao-hub", "zh").title == "A NEW HUB OPENS IN HONGQIAO"
    assert [j.reason for j in jobs_of(app)] == ["published"]


def test_auto_translate_off_enqueues_nothing(make_test_app):
    app = make_test_app(SYNDICATE_AUTO_TRANSLATE=False)
    client = app.test_client()
    headers = _headers(app)
    add_section(client, headers)
    create(client, headers, en_article())
    assert jobs_of(app) == []
    assert variant(app, "hongqiao-hub", "zh") is None


def test_an_edit_sends_only_the_changed_paragraph_to_the_engine(app, client, editor, admin):
    add_section(client, admin)
    create(client, editor, en_article())
    engine = service.engine_for(app)
    calls, segments = engine.calls, engine.segments_translated

    body = en_article()["body_html"].replace(
        "Visitors queue at KINGDOM Coffee. Trains run often.",
        "Investors discussed the annual budget. Officials reported record profits.",
    )
    response = client.patch(
        "/api/v1/articles/hongqiao-hub", json={"body_html": body, "revision": 1}, headers=editor
    )
    assert response.status_code == 200

    assert engine.calls - calls == 1  # one batched model call
    assert engine.segments_translated - segments == 2  # the paragraph's two sentences
    zh = variant(app, "hongqiao-hub", "zh")
    assert zh.source_revision == 2
    assert "INVESTORS DISCUSSED THE ANNUAL BUDGET。" in zh.body_html
    assert "VISITORS" not in zh.body_html

    # Publishing again changes nothing: the job finds the translation up to date.
    client.post("/api/v1/articles/hongqiao-hub/unpublish", headers=editor)
    client.post("/api/v1/articles/hongqiao-hub/publish", headers=editor)
    assert engine.calls - calls == 1
    assert jobs_of(app)[-1].detail == "already up to date"


def _headers(app) -> dict:
    from tests.conftest import _token

    return {"Authorization": f"Bearer {_token(app, 'admin')}"}
