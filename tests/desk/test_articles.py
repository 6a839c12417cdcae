"""The article list (newest first, filters, per-language state), the new/edit forms with the
API's validation and revision check, publishing, and the desk pages' basic accessibility."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syndicate.i18n.dates import local_datetime
from syndicate.storage import db
from tests.conftest import make_app
from tests.desk.conftest import (
    Desk,
    api_article,
    create_article,
    duplicate_ids,
    heading_levels_skip,
    html,
    token_for,
    unlabelled_controls,
)
from tests.feeds.conftest import session_of, translate
from tests.support.factories import make_sections

ID = "yrd-branches-cooperate"


def rows(document) -> list[str]:
    return [row.get("data-article") for row in document.find_class("desk-article")]


def variant_row(document, public_id: str, language: str):
    """The language badge of an article in the list (its state in data- attributes and text,
    the rest in its title)."""
    (row,) = document.xpath(
        f"//tr[@data-article='{public_id}']//*[contains(@class, 'lang-badge')]"
        f"[@data-language='{language}']"
    )
    return row


def test_articles_newest_first_with_each_languages_state(desk, newsroom):
    create_article(desk.app, newsroom, id="older", title="The older one")
    create_article(desk.app, newsroom, id="newer", language="zh", title="较新的一篇")
    with session_of(desk.app) as session:
        translate(session, "older", "zh", "machine")
        translate(session, "newer", "en", "editor")
    document = desk.page("/desk/")
    assert rows(document) == ["newer", "older"]
    machine = variant_row(document, "older", "zh")
    assert (machine.get("data-origin"), machine.get("data-status")) == ("machine", "ready")
    assert machine.get("data-model") == "argos:translate-en_zh@1.0"
    assert machine.text_content().startswith("中文 · machine")
    assert "argos:translate-en_zh@1.0" in machine.get("title")
    original = variant_row(document, "older", "en")
    assert original.get("data-origin") == "source" and "original" in original.get("title")
    assert variant_row(document, "newer", "en").get("data-origin") == "editor"
    # Titles carry their own language, whatever the desk's.
    title = document.xpath("//tr[@data-article='newer']//a[@class='title']")[0]
    assert title.get("lang") == "zh-Hans" and title.text == "较新的一篇"


def test_dates_are_written_in_the_desks_language_and_time_zone(desk, newsroom):
    create_article(desk.app, newsroom, updated_at="2023-07-17T01:30:00Z")
    with session_of(desk.app) as session:
        translate(session, ID, "zh", "machine", updated_at=datetime(2023, 7, 17, 2, 0, tzinfo=UTC))
    desk.post("/desk/language", {"language": "zh"})
    badge = variant_row(desk.page("/desk/"), ID, "zh")
    expected = local_datetime(datetime(2023, 7, 17, 2, 0, tzinfo=UTC), "zh", "Asia/Shanghai")
    assert expected.startswith("2023年7月17日") and badge.get("title").endswith(expected)
    assert "机器翻译" in badge.text_content()


@pytest.fixture
def filter_desk(tmp_path, database_url):
    """On SQLite and PostgreSQL: the translation filter is a query."""
    app = make_app(tmp_path, database_url, SYNDICATE_AUTO_TRANSLATE=False)
    client = app.test_client()
    admin = {"Authorization": f"Bearer {token_for(app, 'admin', 'Admin')}"}
    make_sections(client, admin)
    for public_id, language, status in [
        ("fresh", "en", "published"),
        ("edited", "en", "published"),
        ("broken", "zh", "published"),
        ("untranslated", "en", "draft"),
        ("glossary-hit", "zh", "published"),
    ]:
        create_article(
            app, admin, id=public_id, language=language, status=status, section="top-news"
        )
    with session_of(app) as session:
        translate(session, "fresh", "zh")
        translate(session, "edited", "zh")
        translate(session, "broken", "en", status="failed", error="model crashed")
        translate(session, "glossary-hit", "en", glossary_stale=True)
    patched = client.patch(
        "/api/v1/articles/edited", json={"title": "Edited", "revision": 1}, headers=admin
    )
    assert patched.status_code == 200
    desk = Desk(app, app.test_client())
    desk.sign_in(token_for(app))
    yield desk
    db.database(app).dispose()


FILTERS = [
    ("", {"fresh", "edited", "broken", "untranslated", "glossary-hit"}),
    ("translation=stale", {"edited", "glossary-hit"}),
    ("translation=failed", {"broken"}),
    ("translation=missing", {"untranslated"}),
    ("language=zh", {"broken", "glossary-hit"}),
    ("status=draft", {"untranslated"}),
    ("section=top-news&language=en&status=published", {"fresh", "edited"}),
    ("section=hongqiao-yrd", set()),
    (
        "translation=bogus&status=nope",
        {"fresh", "edited", "broken", "untranslated", "glossary-hit"},
    ),
]


def test_filters(filter_desk):
    for query, expected in FILTERS:
        document = filter_desk.page(f"/desk/?{query}")
        assert set(rows(document)) == expected, query
        for name, value in (pair.split("=") for pair in query.split("&") if pair):
            chosen = document.xpath(
                f"//details[contains(@class, 'filters')]//select[@name='{name}']/option[@selected]"
            )
            expected_choice = [] if value in {"bogus", "nope"} else [value]
            assert [o.get("value") for o in chosen] == expected_choice, query


def test_failed_translation_shows_its_error(filter_desk):
    document = filter_desk.page("/desk/?translation=failed")
    row = variant_row(document, "broken", "en")
    assert row.get("data-status") == "failed"
    (note,) = document.xpath("//tr[@data-article='broken']//*[@class='variant-note']")
    assert note.get("data-language") == "en" and "model crashed" in note.text_content()


def test_create_article_as_a_draft(desk, newsroom):
    form = desk.page("/desk/articles/new")
    assert form.get_element_by_id("f-language").tag == "select"
    response = desk.post(
        "/desk/articles/new",
        {
            "language": "en",
            "section": "top-news",
            "title": "A café opens",
            "summary": "Coffee",
            "body_html": "<p>Hello <script>x()</script>world</p>",
            "author": "Ann",
            "image_url": "/media/cafe.jpg",
            "image_caption": "The counter",
            "image_alt": "A counter",
            "tags": "retail, 咖啡，food",
        },
    )
    assert response.status_code == 303
    public_id = response.headers["Location"].rsplit("/", 1)[1]
    article = api_article(desk.app, newsroom, public_id)
    assert article["status"] == "draft" and article["title"] == "A café opens"
    assert article["tags"] == ["retail", "咖啡", "food"]
    assert article["image"] == {
        "url": "/media/cafe.jpg",
        "caption": "The counter",
        "alt": "A counter",
    }
    assert "<script" not in article["body_html"]
    page = desk.page(response.headers["Location"])
    assert "was saved as a draft" in page.text_content()
    assert page.get_element_by_id("f-title").get("value") == "A café opens"


def test_invalid_article_keeps_what_was_typed_and_names_each_problem(desk, newsroom):
    response = desk.post(
        "/desk/articles/new",
        {"language": "en", "section": "top-news", "title": "", "summary": "Kept",
         "image_url": "javascript:alert(1)", "tags": ""},
    )  # fmt: skip
    assert response.status_code == 422
    document = html(response)
    title = document.get_element_by_id("f-title")
    assert title.get("aria-invalid") == "true"
    assert "f-title-error" in title.get("aria-describedby")
    assert document.get_element_by_id("f-image_url").get("value") == "javascript:alert(1)"
    assert document.get_element_by_id("f-summary").text == "Kept"
    summary = document.find_class("error-summary")[0]
    assert {a.get("href") for a in summary.iter("a")} == {"#f-title", "#f-image_url"}


def test_edit_saves_a_new_revision(desk, newsroom):
    create_article(desk.app, newsroom)
    form = desk.page(f"/desk/articles/{ID}")
    assert form.xpath("//input[@name='revision']")[0].get("value") == "1"
    assert form.get_element_by_id("f-title").get("lang") == "en"
    values = _form_values(form)
    values["title"] = "Branches cooperate across the delta"
    response = desk.post(f"/desk/articles/{ID}", values)
    assert response.status_code == 303
    article = api_article(desk.app, newsroom, ID)
    assert article["title"] == "Branches cooperate across the delta" and article["revision"] == 2
    assert article["image"]["alt"] == "People" and article["tags"] == ["YRD", "cooperation"]


def _form_values(document) -> dict[str, str]:
    form = document.find_class("article-form")[0]
    return {k: v for k, v in form.form_values() if k != "csrf_token"}


def test_a_stale_edit_shows_both_versions_and_loses_neither(desk, newsroom):
    create_article(desk.app, newsroom)
    mine = _form_values(desk.page(f"/desk/articles/{ID}"))  # revision 1
    theirs = desk.client.patch(
        f"/api/v1/articles/{ID}",
        json={"title": "Their title", "summary": "Their summary", "revision": 1},
        headers=newsroom,
    )
    assert theirs.status_code == 200
    mine |= {"title": "My title", "body_html": "<p>My body</p>"}
    response = desk.post(f"/desk/articles/{ID}", mine)
    assert response.status_code == 409
    document = html(response)
    # Mine, in the form, unsaved; theirs beside it, read-only.
    assert document.get_element_by_id("f-title").get("value") == "My title"
    assert document.get_element_by_id("f-body_html").text == "<p>My body</p>"
    current = document.find_class("current-version")[0]
    assert "Their title" in current.text_content() and "Their summary" in current.text_content()
    assert document.xpath("//div[@role='alert']/h2")[0].text.startswith("Someone else saved")
    stored = api_article(desk.app, newsroom, ID)
    assert (stored["title"], stored["revision"]) == ("Their title", 2)
    # Saving again, knowingly, from the conflict page: the form now edits revision 2.
    again = _form_values(document)
    assert again["revision"] == "2"
    assert desk.post(f"/desk/articles/{ID}", again).status_code == 303
    stored = api_article(desk.app, newsroom, ID)
    assert (stored["title"], stored["revision"]) == ("My title", 3)


def test_a_form_without_its_revision_is_a_bad_request(desk, newsroom):
    create_article(desk.app, newsroom)
    response = desk.post(f"/desk/articles/{ID}", {"title": "x", "section": "top-news"})
    assert response.status_code == 400
    assert "revision" in response.get_data(as_text=True)


def test_publish_and_unpublish(desk, newsroom):
    create_article(desk.app, newsroom)
    response = desk.post(f"/desk/articles/{ID}/publish", {"next": "/desk/?status=draft"})
    assert response.status_code == 303 and response.headers["Location"] == "/desk/?status=draft"
    assert api_article(desk.app, newsroom, ID)["status"] == "published"
    document = desk.page("/desk/")
    assert "is published" in document.text_content()
    # The job publishing queued is followed; with no model installed it fails, saying why.
    (job,) = document.find_class("jobs")[0].xpath(".//*[@data-job]")
    assert job.get("data-status") == "failed"
    assert "translate-en_zh" in job.find_class("job-error")[0].text
    assert document.xpath(f"//tr[@data-article='{ID}'][@data-status='published']")
    assert desk.post(f"/desk/articles/{ID}/unpublish").status_code == 303
    assert api_article(desk.app, newsroom, ID)["status"] == "draft"


def test_unknown_article_is_a_404_page(desk):
    document = desk.page("/desk/articles/nope", status=404)
    assert document.findtext(".//h1") == "Not found"
    assert desk.post("/desk/articles/nope/publish").status_code == 404


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize(
    "path",
    [
        "/desk/",
        "/desk/articles/new",
        f"/desk/articles/{ID}",
        f"/desk/articles/{ID}/translations/zh",
        "/desk/glossary",
        "/desk/models",
        "/desk/sign-in",
    ],
)
def test_pages_are_labelled_and_ordered(desk, newsroom, path, language):
    create_article(desk.app, newsroom)
    with session_of(desk.app) as session:
        translate(session, ID, "zh")
    desk.post("/desk/language", {"language": language})
    if path == "/desk/sign-in":
        desk.post("/desk/sign-out")
    document = desk.page(path)
    assert document.get("lang") == {"en": "en", "zh": "zh-Hans"}[language]
    assert document.find(".//meta[@name='viewport']") is not None
    assert not unlabelled_controls(document)
    assert not heading_levels_skip(document)
    assert not duplicate_ids(document)
    assert len(document.xpath("//h1")) == 1
