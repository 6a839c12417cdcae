"""Translations on the desk: an editor's translation beside its original (origin editor), the
original changing meanwhile, refreshes of one article, a section or everything stale, and the
JSON the page polls while jobs run; with real tiny models, publishing really translates."""

from __future__ import annotations

import pytest

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
PAGE = f"/desk/articles/{ID}/translations/zh"


def translation(app, headers, language="zh") -> dict:
    response = app.test_client().get(
        f"/api/v1/articles/{ID}/translations/{language}", headers=headers
    )
    return response.get_json() if response.status_code == 200 else {}


def form_values(document) -> dict[str, str]:
    form = document.find_class("translation-form")[0]
    return {k: v for k, v in form.form_values() if k != "csrf_token"}


def test_translation_beside_its_original_saved_as_the_editors(desk, newsroom):
    create_article(desk.app, newsroom)
    with session_of(desk.app) as session:
        translate(session, ID, "zh", "machine")
    document = desk.page(PAGE)
    original = document.find_class("original")[0]
    assert {dd.get("lang") for dd in original.iter("dd")} == {"en"}
    assert "15 cities" in original.text_content()
    assert document.get_element_by_id("f-title").get("lang") == "zh-Hans"
    assert document.get_element_by_id("f-body_html").get("lang") == "zh-Hans"
    values = form_values(document)
    assert values["title"].endswith("（译文）")
    values |= {"title": "长三角党支部合作", "image_alt": "人们"}
    response = desk.post(PAGE, values)
    assert response.status_code == 303 and response.headers["Location"] == PAGE
    saved = translation(desk.app, newsroom)
    assert (saved["origin"], saved["title"], saved["image"]["alt"]) == (
        "editor",
        "长三角党支部合作",
        "人们",
    )
    assert saved["stale"] is False
    row = desk.page("/desk/").xpath(f"//tr[@data-article='{ID}']//*[@data-language='zh']")[0]
    assert row.get("data-origin") == "editor"


def test_a_missing_translation_can_be_written_from_scratch(desk, newsroom):
    create_article(desk.app, newsroom)
    document = desk.page(PAGE)
    assert document.get_element_by_id("f-title").get("value") == ""
    assert "missing" in document.find_class("meta")[0].text_content()
    values = form_values(document) | {
        "title": "新标题",
        "body_html": "<p>正文<script>x</script></p>",
    }
    assert desk.post(PAGE, values).status_code == 303
    saved = translation(desk.app, newsroom)
    assert saved["title"] == "新标题" and saved["body_html"] == "<p>正文</p>"


@pytest.mark.parametrize(("desk_language", "editor_language"), [("en", "en"), ("zh", "zh_cn")])
def test_the_body_is_written_in_the_article_forms_editor(
    desk, newsroom, desk_language, editor_language
):
    """The same rich-text editor as the article's (desk-editor.js over the body's textarea,
    which stays the field sent), with the media library its button opens, in the desk's
    language; the body's text and the image's alt and caption in the translation's."""
    create_article(desk.app, newsroom)
    desk.post("/desk/language", {"language": desk_language})
    document = desk.page(PAGE)
    body = document.get_element_by_id("f-body_html")
    assert body.get("data-rich-editor") is not None and body.get("name") == "body_html"
    assert body.get("data-editor-language") == editor_language
    assert body.get("lang") == "zh-Hans"
    scripts = [s.get("src") for s in document.xpath("//script")]
    assert [s.rsplit("/", 1)[1] for s in scripts[1:]] == [
        "jodit.min.js",
        "desk-editor.js",
        "media-library.js",
    ]
    assert document.xpath("//link[contains(@href, 'jodit.min.css')]")
    (dialog,) = document.xpath("//dialog[@data-library]")
    assert dialog.get("data-library-url") == "/desk/media"
    assert document.get_element_by_id("picker-insert-alt").get("lang") == "zh-Hans"
    assert not dialog.xpath("ancestor::form")  # its fields are never sent
    assert body.get("data-label-library") == (
        "Image from the library" if desk_language == "en" else "从媒体库插入图片"
    )
    assert unlabelled_controls(document) == []
    assert heading_levels_skip(document) == [] and duplicate_ids(document) == []


def test_when_the_original_changes_meanwhile_nothing_is_saved_and_nothing_lost(desk, newsroom):
    create_article(desk.app, newsroom)
    values = form_values(desk.page(PAGE)) | {"title": "我的译文"}
    edited = desk.client.patch(
        f"/api/v1/articles/{ID}",
        json={"title": "A newer original", "revision": 1},
        headers=newsroom,
    )
    assert edited.status_code == 200
    response = desk.post(PAGE, values)
    assert response.status_code == 409
    document = html(response)
    assert document.get_element_by_id("f-title").get("value") == "我的译文"
    assert "A newer original" in document.find_class("original")[0].text_content()
    assert translation(desk.app, newsroom) == {}
    again = form_values(document)
    assert again["revision"] == "2"
    assert desk.post(PAGE, again).status_code == 303
    assert translation(desk.app, newsroom)["title"] == "我的译文"


def test_when_another_editor_saves_the_translation_meanwhile_nothing_is_lost(desk, newsroom):
    create_article(desk.app, newsroom)
    first = form_values(desk.page(PAGE)) | {"title": "第一位编辑的译文"}
    assert first["translation_revision"] == ""  # no editor had saved one
    assert desk.post(PAGE, first).status_code == 303
    mine = form_values(desk.page(PAGE)) | {"title": "我的译文"}
    assert mine["translation_revision"] == "1"
    # Another editor saves through the API while this form is open.
    theirs = desk.client.put(
        f"/api/v1/articles/{ID}/translations/zh",
        json={"title": "他们的译文", "revision": 1},
        headers=newsroom,
    )
    assert theirs.status_code == 200
    response = desk.post(PAGE, mine)
    assert response.status_code == 409
    document = html(response)
    assert document.get_element_by_id("saved-heading") is not None
    assert document.get_element_by_id("f-title").get("value") == "我的译文"
    assert translation(desk.app, newsroom)["title"] == "他们的译文"
    again = form_values(document)
    assert again["translation_revision"] == "2"
    assert desk.post(PAGE, again).status_code == 303
    assert translation(desk.app, newsroom)["title"] == "我的译文"


def test_an_invalid_translation_names_the_field(desk, newsroom):
    create_article(desk.app, newsroom)
    response = desk.post(PAGE, form_values(desk.page(PAGE)) | {"title": "   "})
    assert response.status_code == 422
    assert html(response).get_element_by_id("f-title").get("aria-invalid") == "true"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_translation_page_for_the_original_or_unknown_languages(desk, newsroom, language):
    create_article(desk.app, newsroom)
    desk.page(f"/desk/articles/{ID}/translations/{language}", status=404)


def test_refreshes_queue_jobs_the_desk_follows(desk, newsroom):
    """No model installed: each job fails at once, and the desk says which package is missing."""
    create_article(desk.app, newsroom, status="published")
    create_article(desk.app, newsroom, id="second", status="published", section="top-news")
    response = desk.post(f"/desk/articles/{ID}/refresh", {"next": "/desk/"})
    assert response.status_code == 303
    document = desk.page("/desk/")
    assert "1 translation job(s) queued." in document.text_content()
    jobs = document.find_class("jobs")[0].xpath(".//*[@data-job]")
    ids = [int(job.get("data-job")) for job in jobs]
    polled = desk.get("/desk/jobs.json?" + "&".join(f"id={i}" for i in ids) + "&id=x").get_json()
    assert polled["finished"] is True
    (job,) = polled["jobs"]
    assert (job["status"], job["status_label"], job["article"], job["language"]) == (
        "failed", "failed", ID, "zh",
    )  # fmt: skip
    assert "translate-en_zh" in job["error"]

    assert desk.post("/desk/translations/refresh", {"section": "top-news"}).status_code == 303
    document = desk.page("/desk/")
    assert "1 translation job(s) queued." in document.text_content()
    assert len(document.find_class("jobs")[0].xpath(".//*[@data-job]")) == 2

    desk.post("/desk/translations/refresh")  # every stale one: both failed
    assert "2 translation job(s) queued." in desk.page("/desk/").text_content()
    desk.post("/desk/jobs/forget")
    assert not desk.page("/desk/").find_class("jobs")


def test_nothing_to_refresh_says_so(desk, newsroom):
    desk.post("/desk/translations/refresh", {"section": "top-news", "only_stale": "1"})
    assert "Nothing to translate." in desk.page("/desk/").text_content()


def test_polling_only_reads_jobs_and_ignores_junk(desk):
    body = desk.get("/desk/jobs.json?id=abc&id=999").get_json()
    assert body == {"jobs": [], "finished": True}


@pytest.fixture
def translating_desk(tmp_path, sqlite_url, packages_dir):
    """Memory queue and the tiny en→zh model (a–z → A–Z): a publish really translates."""
    app = make_app(tmp_path, sqlite_url, SYNDICATE_ARGOS_PACKAGES_DIR=str(packages_dir))
    admin = {"Authorization": f"Bearer {token_for(app, 'admin', 'Admin')}"}
    make_sections(app.test_client(), admin)
    desk = Desk(app, app.test_client())
    desk.sign_in(token_for(app))
    desk.admin = admin
    yield desk
    db.database(app).dispose()


@pytest.mark.translation
def test_publishing_from_the_desk_really_translates(translating_desk):
    desk = translating_desk
    create_article(desk.app, desk.admin)
    assert desk.post(f"/desk/articles/{ID}/publish").status_code == 303
    document = desk.page("/desk/")
    (job,) = document.find_class("jobs")[0].xpath(".//*[@data-job]")
    assert job.get("data-status") == "done" and job.find(".//progress").get("value") == "100"
    row = document.xpath(f"//tr[@data-article='{ID}']//*[@data-language='zh']")[0]
    assert row.get("data-origin") == "machine"
    assert row.get("data-model").startswith("argos:translate-en_zh@")
    assert api_article(desk.app, desk.admin, ID)["translations"]["zh"]["title"] == (
        "PARTY BRANCHES IN YRD COOPERATE"
    )
