"""The glossary page (terms per direction; a change says how many translations it made stale
and offers to refresh them) and the models page (installed, missing, how to install)."""

from __future__ import annotations

import pytest

from syndicate.storage import db
from tests.conftest import make_app
from tests.desk.conftest import Desk, create_article, html, token_for
from tests.feeds.conftest import session_of, translate

ID = "yrd-branches-cooperate"


def terms(document) -> list[tuple[str, str, str]]:
    found = []
    for item in document.find_class("term"):
        values = dict(item.xpath(".//form")[0].form_values())
        found.append(
            (item.find_class("direction")[0].text, values["source_term"], values["target_term"])
        )
    return found


def term_id(document, source: str) -> str:
    for item in document.find_class("term"):
        if dict(item.xpath(".//form")[0].form_values())["source_term"] == source:
            return item.get("data-term")
    raise AssertionError(source)


@pytest.fixture
def translated(desk, newsroom):
    """A published English article mentioning Hongqiao, machine-translated into Chinese."""
    create_article(
        desk.app, newsroom, status="published", body_html="<p>The Hongqiao hub opened.</p>"
    )
    with session_of(desk.app) as session:
        translate(session, ID, "zh", "machine")


def test_add_edit_remove_terms_with_their_stale_counts(desk, translated):
    added = desk.post(
        "/desk/glossary",
        {"direction": "en-zh", "source_term": "Hongqiao", "target_term": "虹桥"},
    )
    assert added.status_code == 303
    document = desk.page(added.headers["Location"])
    assert terms(document) == [("en → zh", "Hongqiao", "虹桥")]
    text = document.text_content()
    assert "Added “Hongqiao”." in text
    assert "1 machine translation(s) are now stale." in text
    offer = document.xpath("//div[contains(@class, 'flash-stale')]//button")
    assert offer[0].get("data-action") == "refresh-stale"
    row = desk.page("/desk/?translation=stale").xpath(f"//tr[@data-article='{ID}']")
    assert row, "the translation is listed as stale"

    refreshed = desk.post("/desk/translations/refresh", {"next": "/desk/"})
    assert refreshed.status_code == 303
    assert "1 translation job(s) queued." in desk.page("/desk/").text_content()

    number = term_id(document, "Hongqiao")
    edited = desk.post(
        f"/desk/glossary/{number}", {"source_term": "Hongqiao", "target_term": "虹桥区"}
    )
    document = desk.page(edited.headers["Location"])
    assert terms(document) == [("en → zh", "Hongqiao", "虹桥区")]
    assert "Saved “Hongqiao”." in document.text_content()

    removed = desk.post(f"/desk/glossary/{number}/delete", {"source_term": "Hongqiao"})
    document = desk.page(removed.headers["Location"])
    assert terms(document) == []
    assert "Removed “Hongqiao”." in document.text_content()


def test_a_term_no_translation_mentions_makes_nothing_stale(desk, translated):
    added = desk.post(
        "/desk/glossary", {"direction": "zh-en", "source_term": "闵行", "target_term": "Minhang"}
    )
    document = desk.page(added.headers["Location"])
    assert not document.find_class("flash-stale")
    assert terms(document) == [("zh → en", "闵行", "Minhang")]
    source = document.get_element_by_id(f"t{term_id(document, '闵行')}-source")
    assert source.get("lang") == "zh-Hans"


def test_the_page_follows_a_stale_marking_that_runs_in_the_background(desk, translated):
    from syndicate.translation import jobs

    huey = jobs.queue_for(desk.app).huey
    huey.immediate = False  # the worker has not got to it yet
    added = desk.post("/desk/glossary", {"direction": "en-zh", "source_term": "Hongqiao"})
    assert added.status_code == 303  # at once: the term is stored, the marking is queued
    document = desk.page(added.headers["Location"])
    assert "Added “Hongqiao”." in document.text_content()
    (row,) = document.find_class("operation")
    assert (row.get("data-status"), row.get("data-finished")) == ("queued", "false")
    assert "Waiting for the worker" in row.text_content()
    assert row.find_class("operation-refresh")[0].get("hidden") is not None
    number = row.get("data-operation")

    while (task := huey.dequeue()) is not None:
        huey.execute(task)
    polled = desk.get(f"/desk/operations.json?id={number}").get_json()
    assert polled["finished"] is True
    assert polled["operations"][0] | {"status": "done", "stale": 1} == polled["operations"][0]
    (row,) = desk.page("/desk/glossary").find_class("operation")
    assert "Done: 1 machine translation(s) made stale." in row.text_content()
    assert row.find_class("operation-refresh")[0].get("hidden") is None
    assert desk.page("/desk/?translation=stale").xpath(f"//tr[@data-article='{ID}']")


def test_operations_json_needs_a_session(anonymous):
    assert anonymous.get("/desk/operations.json?id=1").status_code == 401


def test_directions_filter_the_list(desk, newsroom):
    for direction, term in (("en-zh", "Hongqiao"), ("zh-en", "虹桥")):
        desk.post("/desk/glossary", {"direction": direction, "source_term": term})
    assert len(terms(desk.page("/desk/glossary"))) == 2
    assert terms(desk.page("/desk/glossary?show=zh-en")) == [("zh → en", "虹桥", "虹桥")]


@pytest.mark.parametrize(
    ("form", "status", "field"),
    [
        ({"direction": "en-zh", "source_term": ""}, 422, "source_term"),
        ({"direction": "en-fr", "source_term": "Hongqiao"}, 422, "direction"),
        ({"direction": "en-en", "source_term": "Hongqiao"}, 422, "direction"),
    ],
)
def test_invalid_terms_are_refused_with_the_form_kept(desk, newsroom, form, status, field):
    response = desk.post("/desk/glossary", form)
    assert response.status_code == status
    document = html(response)
    assert document.get_element_by_id(f"f-{field}").get("aria-invalid") == "true"
    assert document.find_class("error-summary")


def test_a_duplicate_term_is_a_conflict(desk, newsroom):
    desk.post("/desk/glossary", {"direction": "en-zh", "source_term": "Hongqiao"})
    response = desk.post("/desk/glossary", {"direction": "en-zh", "source_term": "  hongqiao "})
    assert response.status_code == 409
    assert "already has" in html(response).find_class("error-summary")[0].text_content()


def test_unknown_term_is_a_404(desk):
    assert desk.post("/desk/glossary/999", {"source_term": "x"}).status_code == 404
    assert desk.post("/desk/glossary/999/delete").status_code == 404


def test_models_page_without_models(desk):
    document = desk.page("/desk/models")
    assert not document.xpath("//table[@class='models']")
    missing = [li.get("data-direction") for li in document.xpath("//ul[@class='missing']/li")]
    assert missing == ["en-zh", "zh-en"]
    commands = document.xpath("//pre[@class='command']/code")
    assert "syndicate models install translate-en_zh-VERSION.argosmodel" in commands[0].text
    assert commands[1].text == "syndicate models install --from-index en zh"


def test_models_page_with_models(tmp_path, sqlite_url, packages_dir):
    app = make_app(tmp_path, sqlite_url, SYNDICATE_ARGOS_PACKAGES_DIR=str(packages_dir))
    desk = Desk(app, app.test_client())
    desk.sign_in(token_for(app))
    document = desk.page("/desk/models")
    installed = {
        row.get("data-direction"): [cell.text_content().strip() for cell in row.xpath("td")]
        for row in document.xpath("//table[@class='models']/tbody/tr")
    }
    assert installed == {
        "en-zh": ["translate-en_zh", "0.0.1", "argos:translate-en_zh@0.0.1"],
        "zh-en": ["translate-zh_en", "0.0.1", "argos:translate-zh_en@0.0.1"],
    }
    assert not document.xpath("//ul[@class='missing']")
    db.database(app).dispose()
