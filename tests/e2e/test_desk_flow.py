"""An editor's day on the desk, in a real browser against a real server and worker: sign in,
write an article, publish it and watch its translation job finish, correct the translation and
find the correction in the Chinese Atom feed, refresh a section, add a glossary term and refresh
what it made stale, sign out; a form without its CSRF token is refused."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e import conftest
from tests.e2e.conftest import JOB_TIMEOUT_MS, sign_in

pytestmark = pytest.mark.browser


def row(page, public_id: str):
    return page.locator(f"tr[data-article='{public_id}']")


def wait_for_jobs(page) -> None:
    """The jobs the editor started all end done (none failed)."""
    expect(page.locator(".jobs [data-job]").first).to_be_attached()
    conftest.wait_for_jobs(page, ".jobs")
    expect(page.locator(".jobs [data-job][data-status='failed']")).to_have_count(0)
    expect(page.locator(".jobs-finished")).to_be_visible()


def test_an_editors_day(page, server):
    sign_in(page, server.token)

    # Write an article: it is saved as a draft.
    page.get_by_role("link", name="New article").click()
    page.get_by_label("Section", exact=True).select_option("business")
    page.get_by_label("Title").fill("A new cafe opens in Hongqiao")
    page.get_by_label("Summary").fill("Coffee by the station.")
    page.locator(".jodit-wysiwyg").click()  # real key strokes: the editor syncs its textarea
    page.keyboard.type("The cafe opens today by the station.")
    page.get_by_label("Tags").fill("retail, coffee")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("status")).to_contain_text("was saved as a draft")
    public_id = page.url.rsplit("/", 1)[1]
    assert re.match(r"\d{4}-\d\d-\d\d-a-new-cafe-opens-in-hongqiao-", public_id)

    # Publish it: the translation job appears on the desk and the page follows it to the end.
    page.locator("button[data-action='publish']").click()
    expect(page).to_have_url(re.compile(r"/desk/$"))
    expect(page.get_by_role("status").first).to_contain_text("is published")
    ours = page.locator(".jobs li", has_text="A new cafe opens in Hongqiao")
    expect(ours.locator("[data-job]")).to_have_attribute(
        "data-status", "done", timeout=JOB_TIMEOUT_MS
    )
    expect(ours.locator("progress")).to_have_attribute("value", "100")
    page.get_by_role("link", name="Reload to see the translations").click()
    chinese = row(page, public_id).locator(".lang-badge[data-language='zh']")
    expect(chinese).to_have_attribute("data-origin", "machine")
    expect(chinese).to_have_attribute("data-model", "argos:translate-en_zh@0.0.1")

    # Correct the machine translation beside its original; it becomes the editor's.
    row(page, public_id).locator("a[data-action='edit-translation']").click()
    title = page.get_by_label("Title")
    expect(title).to_have_value("A NEW CAFE OPENS IN HONGQIAO")  # the tiny model's Chinese
    expect(page.locator(".original")).to_contain_text("The cafe opens today by the station.")
    title.fill("虹桥新咖啡馆开业")
    body = page.locator(".jodit-wysiwyg")  # the translation's body is in the editor too
    body.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("咖啡馆今天在车站旁开业。")
    expect(body).to_have_text("咖啡馆今天在车站旁开业。")
    page.get_by_role("button", name="Save translation").click()
    expect(page.get_by_role("status")).to_contain_text("saved as the editor's")

    # Subscribers see the correction: the Chinese Atom feed of the section carries it, as soon
    # as the worker's publisher has rendered it and the host's mirror copied it (off the save).
    deadline = time.monotonic() + 20
    while True:
        feed = page.request.get("/feeds/zh/business.atom")
        assert feed.ok and feed.headers["content-type"].startswith("application/atom+xml")
        atom = feed.text()
        if "虹桥新咖啡馆开业" in atom or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert "虹桥新咖啡馆开业" in atom and "咖啡馆今天在车站旁开业。" in atom

    # Refresh the whole section: the editor's translation is kept.
    page.get_by_role("link", name="Articles", exact=True).click()
    page.get_by_label("Section to refresh").select_option("business")
    page.locator("button[data-action='refresh-section']").click()
    expect(page.get_by_role("status").first).to_contain_text("translation job(s) queued")
    wait_for_jobs(page)
    page.reload()
    expect(row(page, public_id).locator(".lang-badge[data-language='zh']")).to_have_attribute(
        "data-origin", "editor"
    )

    # A glossary term makes the machine translations mentioning it stale; refresh them.
    page.get_by_role("link", name="Glossary", exact=True).click()
    add = page.locator("form.term-add")
    add.get_by_label("Direction").select_option("en-zh")
    add.get_by_label("Term").fill("Hongqiao")
    add.get_by_label("Translation").fill("虹桥")
    add.get_by_role("button", name="Add term").click()
    expect(page.locator(".flash-success")).to_contain_text("Added “Hongqiao”.")
    # The worker marks them in the background; the page follows the operation until it ends.
    operation = page.locator("li.operation").first
    expect(operation).to_have_attribute("data-finished", "true", timeout=JOB_TIMEOUT_MS)
    expect(operation).to_contain_text(
        re.compile(r"Done: [1-9]\d* machine translation\(s\) made stale")
    )
    expect(page.locator("li[data-term] input[name='target_term']")).to_have_value("虹桥")
    operation.get_by_role("button", name="Refresh stale translations").click()
    wait_for_jobs(page)
    page.goto("/desk/?translation=stale")
    expect(page.get_by_role("heading", name="Articles found: 0")).to_be_visible()

    # Sign out: the desk is closed again.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the desk")
    expect(page.get_by_role("status")).to_contain_text("Signed out.")
    page.goto("/desk/")
    expect(page).to_have_url(re.compile(r"/desk/sign-in\?next=/desk/$"))


def test_a_form_without_its_csrf_token_is_refused(page, server):
    sign_in(page, server.token)
    first = page.locator("tr[data-article]").first
    public_id = first.get_attribute("data-article")
    first.locator("input[name='ids']").check()
    form = page.locator("form#bulk")
    form.locator("select[name='action']").select_option("refresh")
    form.locator("input[name='csrf_token']").evaluate("input => input.remove()")
    form.locator("button[data-action='bulk']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request refused")
    assert "security token" in page.locator(".problem").inner_text()
    # A script holding the cookie but not the token gets the same answer.
    response = page.request.post(f"/desk/articles/{public_id}/unpublish")
    assert response.status == 403
    assert "Request refused" in response.text()
    page.goto("/desk/")
    expect(row(page, public_id)).to_be_visible()  # and nothing happened to the article
