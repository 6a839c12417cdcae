"""Issue 10, links readers follow: each entry has one alternate, its own-language page, first;
the other language is rel="related" with hreflang; the enclosure comes last. Read the way
several readers do: the first link (feed-extractor), the first alternate (tt-rss), the last
alternate (Liferea), and feedparser's ``link`` (Miniflux-style parsers, NetNewsWire's rules)."""

from __future__ import annotations

import feedparser
import orjson
from lxml import etree

from tests.support.factories import article_payload, make_sections

ATOM = "{http://www.w3.org/2005/Atom}"
PAGE = "https://news.example.com/{language}/articles/yrd-branches-cooperate"


def _readers_choices(entry) -> dict[str, str]:
    links = entry.findall(f"{ATOM}link")
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    return {
        "first link": links[0].get("href"),
        "first alternate": alternates[0].get("href"),
        "last alternate": alternates[-1].get("href"),
    }


def test_every_reader_opens_the_page_in_the_feeds_language(client, admin, editor):
    make_sections(client, admin)
    payload = article_payload(status="published", image={"url": "/media/yrd.jpg", "alt": "x"})
    assert client.post("/api/v1/articles", json=payload, headers=editor).status_code == 201
    translation = {
        "title": "长三角党支部合作",
        "summary": "十五个城市。",
        "body_html": "<p>合作。</p>",
    }
    put = client.put(
        "/api/v1/articles/yrd-branches-cooperate/translations/zh", json=translation, headers=editor
    )
    assert put.status_code == 200
    for language, other in (("en", "zh"), ("zh", "en")):
        own, related = PAGE.format(language=language), PAGE.format(language=other)
        atom = client.get(f"/feeds/{language}/all.atom").data
        (entry,) = etree.fromstring(atom).findall(f"{ATOM}entry")
        assert set(_readers_choices(entry).values()) == {own}
        rels = [link.get("rel") for link in entry.findall(f"{ATOM}link")]
        assert rels == ["alternate", "related", "enclosure"]
        (related_link,) = [x for x in entry.findall(f"{ATOM}link") if x.get("rel") == "related"]
        assert related_link.get("href") == related
        assert related_link.get("hreflang") == ("zh-Hans" if other == "zh" else "en")
        assert feedparser.parse(atom).entries[0].link == own

        rss = client.get(f"/feeds/{language}/all.rss").data
        item = etree.fromstring(rss).find("channel/item")
        assert item.findtext("link") == own
        assert set(_readers_choices(item).values()) == {own}
        assert feedparser.parse(rss).entries[0].link == own

        (json_item,) = orjson.loads(client.get(f"/feeds/{language}/all.json").data)["items"]
        assert json_item["url"] == own
        assert [a["url"] for a in json_item["_syndicate"]["alternates"]] == [related]
