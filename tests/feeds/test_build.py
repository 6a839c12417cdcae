"""Feeds built from the demo newsroom: every feed, in both languages and all three formats,
read back from the rendered bytes; plus policies, paging, stability and query counts."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import feedparser
import lxml.html
import pytest
from sqlalchemy import event

from syndicate.editorial import articles as editorial
from syndicate.feed import build
from syndicate.feed.build import FeedSettings, build_archive, build_current
from syndicate.feed.render import render
from syndicate.feed.urls import ALL, FORMATS, FeedKey, article_url, section_url
from syndicate.i18n.dates import local_date
from syndicate.languages import CODES, other, tag
from syndicate.storage import articles as article_store
from syndicate.storage import sections as section_store
from syndicate.storage.models import Article, Section
from tests.feeds.conftest import BASE, DEMO_SECTIONS, DRAFT, TRANSLATIONS, session_of, translate
from tests.feeds.reading import assert_valid, read, rendered

LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?")
NOTICE = {
    "en": "Machine-translated from Chinese. Read the original: {title}",
    "zh": "本文由机器从英文翻译。阅读原文：{title}",
}
EDITOR_NOTICE = {
    "en": "Translated from Chinese. Read the original: {title}",
    "zh": "本文译自英文。阅读原文：{title}",
}
UPDATED = {"en": "Updated: {date}", "zh": "更新时间：{date}"}
ALL_TITLE = {"en": "All news", "zh": "全部新闻"}
ALL_DESCRIPTION = {"en": "Every article from every section.", "zh": "所有栏目的全部文章。"}


def shown(article: Article, language: str, fallback: bool):
    """The variant a feed in ``language`` shows: an independent statement of the policy."""
    variant = article.variant(language)
    if variant is not None and (variant.origin == "source" or variant.status == "ready"):
        return variant
    return article.original if fallback else None


def expected_articles(session, language: str, section: str, fallback: bool = False):
    if section == ALL:
        ids = None
    else:
        ids = set(section_store.subtree_ids(session, section_store.get(session, section)))
    found = [
        article
        for article in session.query(Article).all()
        if article.status == "published"
        and (ids is None or article.section_id in ids)
        and shown(article, language, fallback) is not None
    ]
    return sorted(found, key=lambda a: (a.published_at, a.id), reverse=True)


def original_url(article: Article) -> str:
    return article.canonical_url or article_url(BASE, article.language, article.public_id)


def expected_updated(article: Article, variant) -> datetime:
    moment = article.updated_at
    if variant.origin == "editor":
        moment = max(moment, variant.updated_at)
    return max(moment, article.published_at)


def check_item(item, article: Article, language: str, fmt: str, fallback: bool) -> None:
    variant = shown(article, language, fallback)
    translation = variant.origin != "source"
    assert re.fullmatch(
        rf"tag:news\.example\.com,\d{{4}}-\d{{2}}-\d{{2}}:article/{article.public_id}/{language}",
        item.id,
    )
    assert item.title == variant.title and "<" not in item.title
    assert item.summary == variant.summary
    assert item.language == tag(variant.language)
    if translation:
        assert item.link == article_url(BASE, language, article.public_id)
    else:
        assert item.link == original_url(article)
    assert item.published == article.published_at
    if fmt != "rss":
        assert item.updated == expected_updated(article, variant)
    assert item.authors == [article.author]
    assert item.categories == article.tags
    assert item.image == BASE + article.image_url
    others = [
        (article_url(BASE, code, article.public_id), tag(code))
        for code in other(variant.language)
        if code != article.language and shown(article, code, False) not in (None, article.original)
    ]
    if translation:
        others = [(original_url(article), tag(article.language))]
    assert item.alternates == others
    if translation:
        expected = {"origin": variant.origin, "source-language": tag(article.language)}
        if variant.engine:
            expected["model"] = variant.engine
        assert item.provenance == expected
    else:
        assert item.provenance is None
    check_body(item.content, article, variant, language)


def check_body(content: str, article: Article, variant, language: str) -> None:
    assert "<script" not in content and "javascript:" not in content
    nodes = lxml.html.fragments_fromstring(content)
    figure, dateline = nodes[0], nodes[1]
    assert figure.tag == "figure"
    img = figure.find("img")
    assert img.get("src") == BASE + article.image_url
    assert img.get("alt") == variant.image_alt
    assert figure.findtext("figcaption") == variant.image_caption
    updated = expected_updated(article, variant)
    date = local_date(updated, language, "Asia/Shanghai")
    assert dateline.text_content() == UPDATED[language].format(date=date)
    assert dateline.find("time").get("datetime") == updated.isoformat()
    if variant.language != language:
        assert dateline.get("lang") == tag(language)  # our words amid the original's
    rest = nodes[2:]
    if variant.origin != "source":
        notice = rest.pop(0)
        messages = NOTICE if variant.origin == "machine" else EDITOR_NOTICE
        assert notice.text_content() == messages[language].format(title=article.original.title)
        link = notice.find("a")
        assert link.get("href") == original_url(article)
        assert link.get("hreflang") == tag(article.language)
    assert rest, "the article's own body follows"
    for node in nodes:
        for element, _attribute, link, _pos in node.iterlinks():
            assert link.startswith(("https://", "http://", "mailto:")), (element.tag, link)


@pytest.mark.parametrize("language", CODES)
@pytest.mark.parametrize("section", [ALL, *DEMO_SECTIONS])
def test_every_demo_feed(demo_app, section, language):
    feeds = rendered(demo_app, language, section)
    with session_of(demo_app) as session:
        row = None if section == ALL else section_store.get(session, section)
        articles = expected_articles(session, language, section)
        assert articles  # every demo feed has something in both languages
        for fmt in FORMATS:
            assert_valid(feeds[fmt], fmt)
            feed = read(feeds[fmt], fmt)
            if row is None:
                assert feed.title == ALL_TITLE[language]
                assert feed.description == ALL_DESCRIPTION[language]
            else:
                assert feed.title == getattr(row, f"name_{language}")
                assert feed.description == getattr(row, f"description_{language}")
            assert feed.language == tag(language) and LANGUAGE_TAG.fullmatch(feed.language)
            assert feed.self_url == FeedKey(language, section, fmt).url(BASE)
            assert feed.home_url == section_url(BASE, language, section)
            assert (
                FeedKey(other(language)[0], section, fmt).url(BASE),
                tag(other(language)[0]),
            ) in (feed.alternates)
            if fmt == "atom":
                assert feed.id == f"tag:news.example.com,2023:feed/{language}/{section}"
            if fmt != "json":
                assert feed.generator.startswith("syndicate")
                newest = max(expected_updated(a, shown(a, language, False)) for a in articles)
                assert feed.updated == (newest.replace(microsecond=0) if fmt == "rss" else newest)
            if fmt == "rss":
                assert feed.ttl == 5
            # Without archive pages yet, the subscription document links none (RFC 5005 4).
            assert feed.paging == {}
            assert [item.id.split("/")[-2] for item in feed.items] == [
                a.public_id for a in articles
            ]
            for item, article in zip(feed.items, articles, strict=True):
                check_item(item, article, language, fmt, fallback=False)
            if fmt != "json":  # what readers take as the item's page
                parsed = feedparser.parse(feeds[fmt])
                assert [e.link for e in parsed.entries] == [i.link for i in feed.items]


def test_feed_ids_differ_per_language_and_not_per_format_or_page(demo_app):
    with session_of(demo_app) as session:
        ids = {}
        for language in CODES:
            built = build_current(session, demo_app.config, language, "top-news")
            assert {d.id for d in built.documents.values()} == {
                f"tag:news.example.com,2023:feed/{language}/top-news"
            }
            ids[language] = {item.id for item in built.documents["rss"].items}
    assert ids["en"] and ids["zh"] and not ids["en"] & ids["zh"]


def test_parent_and_all_feeds_include_descendants(demo_app):
    with session_of(demo_app) as session:
        for language, expected in {
            "en": [
                "2023-07-12-yrd-shared-lab-network",  # yrd-integration
                "2023-06-20-minhang-kunshan-robotics-pact",  # industrial-cooperation
                "2023-06-01-hongqiao-yrd-forum-links",  # the parent itself
            ],
            "zh": [
                "2023-07-05-yrd-nev-parts-alliance",
                "2023-06-14-yrd-social-security-card-hongqiao",
                "2023-06-01-hongqiao-yrd-forum-links",  # translated into Chinese
            ],
        }.items():
            built = build_current(session, demo_app.config, language, "hongqiao-yrd")
            items = built.documents["json"].items
            assert [item.id.split("/")[-2] for item in items] == expected
        everything = build_current(session, demo_app.config, "en", ALL)
        assert len(everything.documents["rss"].items) == 10  # 7 in English + 3 translated


def test_untranslated_articles_are_hidden_by_default(demo_app):
    with session_of(demo_app) as session:
        built = build_current(session, demo_app.config, "zh", ALL)
        shown_ids = {item.id.split("/")[-2] for item in built.documents["rss"].items}
        zh_originals = {
            a.public_id
            for a in session.query(Article).all()
            if a.language == "zh" and a.status == "published"
        }
        translated = {pid for pid, (lang, _o, status) in TRANSLATIONS.items() if lang == "zh"}
        failed = "2023-06-08-hongqiao-near-zero-carbon-tower"
        assert shown_ids == zh_originals | (translated - {failed})
        assert DRAFT not in shown_ids
        assert article_store.feed_count(session, None, "zh", include_untranslated=False) == 10


def test_untranslated_original_policy_shows_the_original_tagged_with_its_language(
    make_demo_app, sqlite_url
):
    app = make_demo_app(sqlite_url, SYNDICATE_UNTRANSLATED="original")
    feeds = rendered(app, "zh", ALL)
    with session_of(app) as session:
        articles = expected_articles(session, "zh", ALL, fallback=True)
        assert len(articles) == 14  # every published article
        for fmt in FORMATS:
            assert_valid(feeds[fmt], fmt)
            feed = read(feeds[fmt], fmt)
            assert feed.language == "zh-Hans"
            for item, article in zip(feed.items, articles, strict=True):
                check_item(item, article, "zh", fmt, fallback=True)
        by_id = {i.id.split("/")[-2]: i for i in read(feeds["atom"], "atom").items}
        untranslated = by_id["2023-06-17-hongqiao-exhibition-shuttle"]
        assert untranslated.language == "en" and untranslated.provenance is None
        assert untranslated.id.endswith("/zh")  # the feed's language: kept once translated
        failed = by_id["2023-06-08-hongqiao-near-zero-carbon-tower"]
        assert failed.language == "en"


def _item(app, language: str, public_id: str):
    feed = read(rendered(app, language, ALL)["atom"], "atom")
    return next(item for item in feed.items if item.id.split("/")[-2] == public_id)


def test_ids_and_dates_survive_retranslation_and_change_only_with_content(demo_app):
    public_id = "2023-06-01-hongqiao-yrd-forum-links"
    before = {language: _item(demo_app, language, public_id) for language in CODES}
    assert before["en"].id != before["zh"].id

    with session_of(demo_app) as session:  # a new model re-translates: same source content
        translate(
            session, public_id, "zh", title="新的译文标题", engine="argos:translate-en_zh@2.0"
        )
    retranslated = _item(demo_app, "zh", public_id)
    assert retranslated.title == "新的译文标题"
    assert retranslated.provenance["model"] == "argos:translate-en_zh@2.0"
    assert (retranslated.id, retranslated.published, retranslated.updated) == (
        before["zh"].id,
        before["zh"].published,
        before["zh"].updated,
    )

    with session_of(demo_app) as session:  # not a content change: nothing readers see moves
        article = article_store.get(session, public_id)
        editorial.update(
            session,
            public_id,
            {"canonical_url": "https://www.hongqiao.example/en/forum"},
            expected_revision=article.revision,
        )
    moved = _item(demo_app, "en", public_id)
    assert (moved.id, moved.updated) == (before["en"].id, before["en"].updated)
    assert moved.link == "https://www.hongqiao.example/en/forum"

    with session_of(demo_app) as session:  # a real edit
        article = article_store.get(session, public_id)
        editorial.update(
            session,
            public_id,
            {"title": "Forum maps next steps"},
            expected_revision=article.revision,
        )
    edited = {language: _item(demo_app, language, public_id) for language in CODES}
    for language in CODES:
        assert edited[language].id == before[language].id
        assert edited[language].published == before[language].published
        assert edited[language].updated > before[language].updated
    assert edited["en"].title == "Forum maps next steps"


def test_an_editors_correction_is_a_change(demo_app):
    public_id = "2023-06-26-kingdom-coffee-yrd-roastery"
    before = _item(demo_app, "en", public_id)
    later = datetime(2024, 1, 2, 3, 4, tzinfo=UTC)
    with session_of(demo_app) as session:
        translate(session, public_id, "en", "editor", title="Corrected", updated_at=later)
    after = _item(demo_app, "en", public_id)
    assert after.id == before.id and after.updated == later > before.updated


def test_archive_pages_hold_every_article_once_oldest_first(make_demo_app, sqlite_url):
    app = make_demo_app(sqlite_url, SYNDICATE_PAGE_SIZE=4, SYNDICATE_UNTRANSLATED="original")
    with session_of(app) as session:
        expected = [a.public_id for a in expected_articles(session, "en", ALL, fallback=True)]
        positions = [
            (a.published_at, a.id)
            for a in reversed(expected_articles(session, "en", ALL, fallback=True))
        ]
        starts = positions[::4]  # the cuts a publisher makes: every 4th article from the oldest
        closed = len(starts) - 1
        current = build_current(session, app.config, "en", ALL, closed)
        pages = {
            n: build_archive(session, app.config, "en", ALL, n, starts)
            for n in range(1, closed + 1)
        }
        assert build_archive(session, app.config, "en", ALL, closed + 1, starts) is None
        assert build_archive(session, app.config, "en", ALL, 0, starts) is None
        assert build_current(session, app.config, "en", "no-such-section") is None
        assert build_current(session, app.config, "fr", ALL) is None
    for fmt in FORMATS:

        def url(number, fmt=fmt):
            return FeedKey("en", ALL, fmt, number).url(BASE)

        feed = read(render(current.documents[fmt], fmt), fmt)
        assert feed.self_url == url(None)
        assert feed.paging == (
            {"next": url(closed)} if fmt == "json" else {"prev-archive": url(closed)}
        )
        ids = [item.id.split("/")[-2] for item in feed.items]
        assert ids == expected[:4]
        archived = []
        for number in range(closed, 0, -1):
            page = read(render(pages[number].documents[fmt], fmt), fmt)
            assert page.self_url == url(number)
            links = {"current": url(None)}
            if number > 1:
                links["prev-archive"] = url(number - 1)
            if number < closed:
                links["next-archive"] = url(number + 1)
            if fmt == "json":
                links = {"next": url(number - 1)} if number > 1 else {}
            assert page.paging == links
            assert len(page.items) == 4
            archived.extend(item.id.split("/")[-2] for item in page.items)
        # Newest first within and across pages; the open page's articles are only current.
        assert archived == expected[len(expected) - 4 * closed :]
        assert set(archived) | set(ids) == set(expected)


@pytest.mark.parametrize(("max_age", "ttl"), [(0, 1), (59, 1), (300, 5), (3600, 60)])
def test_rss_ttl_is_the_cache_lifetime_in_minutes(make_demo_app, sqlite_url, max_age, ttl):
    app = make_demo_app(sqlite_url, SYNDICATE_CACHE_MAX_AGE=max_age)
    assert read(rendered(app, "en", "top-news")["rss"], "rss").ttl == ttl


def test_an_empty_section_has_a_valid_first_page(demo_app):
    with session_of(demo_app) as session:
        section_store.add(
            session,
            Section(slug="empty", name_en="Empty", name_zh="空栏目", description_en="", position=9),
        )
    with session_of(demo_app) as session:
        built = build_current(session, FeedSettings.of(demo_app.config), "zh", "empty")
        assert build_archive(session, demo_app.config, "zh", "empty", 1, []) is None
        created = section_store.get(session, "empty").updated_at
        for fmt, document in built.documents.items():
            assert document.items == () and document.updated == created
            assert document.description == "空栏目栏目的文章。"
            assert_valid(render(document, fmt), fmt)


def test_queries_per_page_do_not_grow_with_the_page_size(make_demo_app, database_url):
    """One statement per kind of thing (sections, count, articles, variants, media library
    images), not per item."""
    per_size: dict[int, list[str]] = {}
    for size in (1, 3):
        app = make_demo_app(database_url, SYNDICATE_PAGE_SIZE=size)
        statements = per_size[size] = []
        with session_of(app) as session:
            connection = session.connection()
            event.listen(
                connection, "before_cursor_execute", lambda *a, s=statements: s.append(a[2])
            )
            built = build_current(session, app.config, "en", "hongqiao-yrd")
            assert len(built.documents["rss"].items) == size
    assert len(per_size[1]) == len(per_size[3]) <= 6, per_size[3]
    article_pages = [
        s for s in per_size[3] if "FROM articles" in s and "LIMIT" in s and "count(" not in s
    ]
    assert len(article_pages) == 1


def test_feed_page_query(make_demo_app, database_url):
    app = make_demo_app(database_url)
    with session_of(app) as session:
        everything = article_store.feed_page(
            session, None, "zh", include_untranslated=True, limit=100
        )
        assert len(everything) == 14 and DRAFT not in {a.public_id for a in everything}
        dates = [a.published_at for a in everything]
        assert dates == sorted(dates, reverse=True)
        assert article_store.feed_count(session, None, "zh", include_untranslated=True) == 14
        for language in CODES:
            assert (
                article_store.feed_count(session, None, language, include_untranslated=False) == 10
            )

        section = section_store.get(session, "industrial-cooperation")
        ids = section_store.subtree_ids(session, section)
        page = article_store.feed_page(session, ids, "en", include_untranslated=False, limit=10)
        assert [a.public_id for a in page] == ["2023-06-20-minhang-kunshan-robotics-pact"]

        # Ties on the publication time are broken by id, newest row first: a stable order.
        first, second = everything[3], everything[4]
        second.published_at = first.published_at
        session.flush()
        tied = article_store.feed_page(
            session, None, "zh", include_untranslated=True, limit=2, offset=3
        )
        assert [a.id for a in tied] == sorted([first.id, second.id], reverse=True)


def test_a_change_dirties_its_section_its_ancestors_and_all(demo_app):
    from datetime import UTC, datetime

    from syndicate.publication import targets
    from syndicate.storage import sections as section_store

    with session_of(demo_app) as session:
        child = section_store.get(session, "industrial-cooperation")
        when = datetime(2024, 1, 1, tzinfo=UTC)
        pending = targets.Pending(positions={(child.id, (when, 7))})
        found = {t for t, _p in targets.resolve(session, pending)}
        for language in ("en", "zh"):
            for feed in ("industrial-cooperation", "hongqiao-yrd", ALL):
                assert targets.current(language, feed) in found
                assert targets.at(language, feed, (when, 7)) in found
        # ... and the sitemap child holding article 7 (not the news sitemap: too old).
        assert targets.sitemap_block(1) in found and targets.SITEMAP_NEWS not in found
        assert len(found) == 13
        recent = targets.Pending(positions={(child.id, (datetime.now(UTC), 30_001))})
        found = {t for t, _p in targets.resolve(session, recent, block_size=10_000)}
        assert {targets.sitemap_block(4), targets.SITEMAP_NEWS} <= found
        moved = targets.resolve(session, targets.Pending(sweeps={f"#{child.parent_id}"}))
        assert {t for t, _p in moved} == {"sweep:en:hongqiao-yrd", "sweep:zh:hongqiao-yrd"}


ILLEGAL = "\x00\x01\x08\x0b\x0c\x1f\ufffe\uffff"


def test_xml_illegal_characters_and_script_never_reach_a_feed(demo_app):
    public_id = "2023-07-10-hongqiao-ip-service-center"
    with session_of(demo_app) as session:  # written around the services, as a buggy importer might
        article = article_store.get(session, public_id)
        article.author = f"Ann{ILLEGAL}"
        article.tags = [f"tag{ILLEGAL}", ILLEGAL]
        source = article.original
        source.title = ILLEGAL  # nothing left once cleaned
        source.summary = f"sum{ILLEGAL}mary"
        source.body_html = f"<p>body{ILLEGAL}<script>alert(1)</script><img src=x onerror=y()></p>"
        source.image_caption = f"cap{ILLEGAL}"
        translate(session, public_id, "zh", title=f"标题{ILLEGAL}", body_html=source.body_html)
    for language in CODES:
        feeds = rendered(demo_app, language, "top-news")
        for fmt in FORMATS:
            assert_valid(feeds[fmt], fmt)
            text = feeds[fmt].decode()
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text)
            assert "<script" not in text and "&lt;script" not in text and "onerror" not in text
        item = _item(demo_app, language, public_id)
        assert item.title == ("Untitled" if language == "en" else "标题")


def test_settings_from_the_flask_config(demo_app):
    settings = FeedSettings.of(demo_app.config)
    assert settings == FeedSettings(BASE, "Asia/Shanghai", 20, 300, "hide")
    assert FeedSettings.of(settings) is settings
    assert (
        build.item_id(
            BASE, Article(public_id="x", created_at=datetime(2023, 1, 2, tzinfo=UTC)), "zh"
        )
        == "tag:news.example.com,2023-01-02:article/x/zh"
    )
