"""Search through the API: both languages, Chinese substrings without spaces, machine and
editor translations, ranking, the other filters, and an empty list when nothing matches."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from syndicate.storage import db
from syndicate.storage.models import Article
from syndicate.storage.search import query_groups, terms
from tests.support.factories import article_payload, make_sections


@pytest.fixture
def newsroom(client, admin):
    make_sections(client, admin)


def _create(client, editor, **fields):
    response = client.post("/api/v1/articles", json=article_payload(**fields), headers=editor)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _search(client, editor, query: str, **params) -> list[str]:
    response = client.get("/api/v1/articles", query_string={"q": query, **params}, headers=editor)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def _machine_translation(app, public_id: str, language: str, title: str, body: str) -> None:
    """A translation stored as the translation job stores it (through the ORM)."""
    from syndicate.storage import articles as article_store

    with app.app_context(), db.database(app).session() as session:
        article = session.scalar(select(Article).where(Article.public_id == public_id))
        article_store.set_variant(
            session, article, language, title=title, summary="", body_html=body,
            origin="machine", source_revision=article.revision, engine="test/1", status="ready",
        )  # fmt: skip


def test_chinese_substring_translations_ranking_and_filters(app, client, editor, newsroom):
    _create(
        client, editor, id="cbd", language="zh", title="虹桥国际中央商务区再添新地标",
        summary="", body_html="<p>商务区内的企业增加。</p>",
    )  # fmt: skip
    _create(
        client, editor, id="metro", title="A new metro line for Hongqiao",
        body_html="<p>The line opens in <strong>Hongqiao</strong> next year.</p>",
        status="published",
    )  # fmt: skip
    _create(
        client, editor, id="harbour", title="Harbour works begin",
        body_html="<p>Cranes arrive at the port; Hongqiao is mentioned once.</p>",
    )  # fmt: skip
    _machine_translation(app, "metro", "zh", "虹桥新地铁线", "<p>这条线明年在虹桥开通。</p>")
    _machine_translation(app, "cbd", "en", "New landmark for the Hongqiao CBD", "<p>More.</p>")

    # A Chinese word inside a longer run without spaces, in an original and in a translation.
    assert set(_search(client, editor, "虹桥")) == {"cbd", "metro"}
    assert _search(client, editor, "中央商务") == ["cbd"]
    assert _search(client, editor, "商务区") == ["cbd"]
    assert _search(client, editor, "桥中") == []  # characters that are not adjacent
    assert _search(client, editor, "地铁") == ["metro"]  # only in the machine translation
    # English: a title match weighs more than a mention in the body; case does not matter.
    ranked = _search(client, editor, "HONGQIAO")
    assert set(ranked) == {"metro", "cbd", "harbour"} and ranked[-1] == "harbour"
    assert _search(client, editor, "landmark") == ["cbd"]  # the machine translation into en
    # With the other filters.
    assert _search(client, editor, "hongqiao", status="published") == ["metro"]
    assert _search(client, editor, "hongqiao", language="zh") == ["cbd"]
    # No match, and nothing searchable: an empty list, not an error.
    assert _search(client, editor, "zeppelin") == []
    assert _search(client, editor, "！？") == []
    response = client.get("/api/v1/articles", query_string={"q": "x" * 201}, headers=editor)
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "q"


def test_edits_and_deletes_keep_the_index(app, client, editor, newsroom):
    _create(client, editor, id="one", title="Zebra crossing")
    assert _search(client, editor, "zebra") == ["one"]
    patch = {"title": "Pelican crossing", "revision": 1}
    assert client.patch("/api/v1/articles/one", json=patch, headers=editor).status_code == 200
    assert _search(client, editor, "zebra") == []
    assert _search(client, editor, "pelican") == ["one"]
    assert client.delete("/api/v1/articles/one", headers=editor).status_code == 204
    assert _search(client, editor, "pelican") == []


def test_terms_are_bigrams_for_cjk_and_words_otherwise():
    assert terms("虹桥国际 Café") == ["虹桥", "桥国", "国际", "际", "cafe"]
    assert query_groups("虹桥 商务") == [(["虹桥"], False), (["商务"], False)]
    assert query_groups("桥") == [(["桥"], True)]
