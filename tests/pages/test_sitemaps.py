"""Sitemaps, the Google News sitemap and robots.txt: valid by the protocol's rules, listing
every published article page in both languages with reciprocal hreflang pairs and lastmod,
split into an index when large."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from syndicate.feed import sitemap
from syndicate.feed.urls import article_url, section_url
from syndicate.storage import article_index
from tests.feeds.conftest import (
    DEMO_SECTIONS,
    DRAFT,
    TRANSLATIONS,
    published_articles,
    session_of,
)
from tests.pages import sitemap_rules as rules
from tests.pages.conftest import BASE, EDITED, EDITED_CANONICAL, ORIGINAL

NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def _build(app, **options) -> dict[str, bytes]:
    with session_of(app) as session:
        return sitemap.build_sitemaps(session, app.config, **options)


def _expected_article_pages(app) -> dict[str, datetime]:
    """Every page the sitemap must list: each published article in its own language (unless
    its canonical URL is elsewhere) and in every language with a ready translation."""
    pages = {}
    with session_of(app) as session:
        for article in published_articles(session):
            for code in ("en", "zh"):
                variant = article.variant(code)
                own = code == article.language
                if variant is None or (not own and variant.status != "ready"):
                    continue
                if own and article.canonical_url:
                    continue
                pages[article_url(BASE, code, article.public_id)] = article.updated_at
    return pages


def test_sitemap_lists_every_article_page_in_both_languages(site):
    documents = _build(site)
    assert set(documents) == {"sitemap.xml", "sitemap-news.xml"}
    urls = rules.urlset(documents["sitemap.xml"], BASE)
    rules.check_reciprocal(urls)
    articles = {loc: entry for loc, entry in urls.items() if "/articles/" in loc}
    expected = _expected_article_pages(site)
    assert set(articles) == set(expected)
    assert article_url(BASE, "zh", DRAFT) not in urls and article_url(BASE, "en", DRAFT) not in urls
    # Translations listed once ready; a failed one is not.
    ready = [pid for pid, (_lang, _origin, status) in TRANSLATIONS.items() if status == "ready"]
    for public_id in ready:
        language, _origin, _status = TRANSLATIONS[public_id]
        assert article_url(BASE, language, public_id) in articles
    assert article_url(BASE, "zh", "2023-06-08-hongqiao-near-zero-carbon-tower") not in urls
    for loc, entry in articles.items():
        assert entry["lastmod"] is not None
        assert entry["lastmod"] >= expected[loc].replace(microsecond=0)
    assert articles[article_url(BASE, "en", ORIGINAL)]["alternates"] == {
        "en": article_url(BASE, "en", ORIGINAL),
        "zh-Hans": article_url(BASE, "zh", ORIGINAL),
    }
    # The Chinese original's canonical URL is on another site: only our translation is listed,
    # without alternates it could not reciprocate.
    assert article_url(BASE, "zh", EDITED) not in urls and EDITED_CANONICAL not in urls
    assert articles[article_url(BASE, "en", EDITED)] == {
        "lastmod": datetime(2023, 7, 15, 0, 30, tzinfo=UTC),
        "alternates": {},
    }
    for slug in ("all", *DEMO_SECTIONS):
        for code in ("en", "zh"):
            assert section_url(BASE, code, slug) in urls


def test_sitemap_becomes_an_index_when_large(site):
    small = rules.urlset(_build(site)["sitemap.xml"], BASE)
    documents = _build(site, max_urls=5)
    index = rules.sitemapindex(documents["sitemap.xml"], BASE)
    children = [loc.removeprefix(f"{BASE}/") for loc in index]
    assert children[0] == "sitemaps/sections.xml"
    # Fixed blocks of article ids, in order (a block without published articles has no file).
    numbers = [int(c.removeprefix("sitemaps/articles-").removesuffix(".xml")) for c in children[1:]]
    assert children[1:] == [f"sitemaps/articles-{n}.xml" for n in numbers]
    assert numbers == sorted(set(numbers)) and len(numbers) > 1
    assert set(documents) == {"sitemap.xml", "sitemap-news.xml", *children}
    merged: dict[str, dict] = {}
    for path in children[1:]:
        urls = rules.urlset(documents[path], BASE)
        assert len(urls) <= 5
        assert index[f"{BASE}/{path}"] == max(e["lastmod"] for e in urls.values())
        merged |= urls
    merged |= rules.urlset(documents["sitemaps/sections.xml"], BASE)
    assert merged == small  # the same pages, whatever the split
    rules.check_reciprocal(merged)


def test_sitemaps_are_served(site):
    client = site.test_client()
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index.mimetype == "application/xml"
    assert index.data == _build(site)["sitemap.xml"]
    assert "max-age=" in index.headers["Cache-Control"]
    news = client.get("/sitemap-news.xml")
    assert news.status_code == 200 and news.mimetype == "application/xml"
    assert client.get("/sitemaps/articles-1.xml").status_code == 404  # one file is enough


def test_news_sitemap_has_the_last_48_hours(site):
    # The demo's newest story was published 2023-07-17 07:30 Shanghai time.
    now = datetime(2023, 7, 18, 12, 0, tzinfo=UTC)
    root = rules.parse(_build(site, now=now)["sitemap-news.xml"])
    assert root.tag == f"{{{rules.SITEMAP_NS}}}urlset" and root.nsmap["news"] == NEWS.strip("{}")
    entries = {}
    for url in root:
        loc = rules.check_loc(url.findtext(f"{{{rules.SITEMAP_NS}}}loc"), BASE)
        news = url.find(f"{NEWS}news")
        published = rules.check_lastmod(news.findtext(f"{NEWS}publication_date"))
        assert now - timedelta(hours=48) <= published <= now
        entries[loc] = (
            news.findtext(f"{NEWS}publication/{NEWS}name"),
            news.findtext(f"{NEWS}publication/{NEWS}language"),
            news.findtext(f"{NEWS}title"),
        )
    assert entries, "the demo has stories in that window"
    for loc, (name, language, title) in entries.items():
        assert (name, language) == (
            ("Hongqiao News", "en") if "/en/" in loc else ("虹桥新闻", "zh-cn")
        )
        assert title
    assert all(published for published in entries)
    later = rules.parse(_build(site, now=now + timedelta(days=30))["sitemap-news.xml"])
    assert len(later) == 0  # nothing new: an empty urlset


def test_robots_txt_names_the_sitemaps(site):
    response = site.test_client().get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /desk/" in lines and "Disallow: /api/" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert f"Sitemap: {BASE}/sitemap-news.xml" in lines
    assert not any(line.startswith("Disallow: /en") or line == "Disallow: /" for line in lines)


def test_the_sitemaps_index_rows_say_what_the_articles_say(make_demo_app, database_url):
    """Sitemaps read plain rows (``storage.article_index``), not ORM articles: the same
    articles, order, dates and variants, on both engines, whatever the chunk or id range."""
    app = make_demo_app(database_url)

    def row(article) -> tuple:
        variants = sorted((v.language, v.origin, v.status, v.updated_at) for v in article.variants)
        return (article.id, article.public_id, article.language, article.canonical_url,
                article.published_at, article.updated_at, variants)  # fmt: skip

    with session_of(app) as session:
        expected = [row(a) for a in published_articles(session)]
        assert any(len(row[-1]) > 1 for row in expected) and any(row[3] for row in expected)
        for chunk in (1, 3, 2000):
            rows = [row(a) for a in article_index.iter_published(session, chunk=chunk)]
            assert rows == expected, chunk
        first, last = sorted(row[0] for row in expected)[2:4]
        ranged = [a.id for a in article_index.iter_published(session, ids=(first, last))]
        assert sorted(ranged) == [r[0] for r in expected if first <= r[0] <= last]
        some = next(article_index.iter_published(session))
        assert some.variant(some.language).origin == "source" and some.variant("xx") is None
