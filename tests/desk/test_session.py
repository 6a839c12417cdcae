"""Signing in with a token (exchanged for a session cookie), signing out, revocation, CSRF, the
desk's language, and the headers every desk page carries."""

from __future__ import annotations

import pytest

from syndicate.storage import db
from syndicate.storage import tokens as token_store
from tests.conftest import make_app
from tests.desk.conftest import Desk, csrf_of, html, token_for

PAGES = [
    "/desk/",
    "/desk/articles/new",
    "/desk/articles/some-id",
    "/desk/articles/some-id/translations/zh",
    "/desk/glossary",
    "/desk/models",
]
ACTIONS = [
    "/desk/articles/new",
    "/desk/articles/some-id",
    "/desk/articles/some-id/publish",
    "/desk/articles/some-id/unpublish",
    "/desk/articles/some-id/refresh",
    "/desk/articles/some-id/translations/zh",
    "/desk/translations/refresh",
    "/desk/glossary",
    "/desk/glossary/1",
    "/desk/glossary/1/delete",
    "/desk/jobs/forget",
    "/desk/sign-out",
    "/desk/language",
    "/desk/sign-in",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_strangers_to_sign_in(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/desk/sign-in?next={path}"


@pytest.mark.parametrize("path", ACTIONS)
def test_every_action_without_the_csrf_token_is_refused(desk, path):
    response = desk.post(path, {"token": "x", "language": "zh"}, csrf=False)
    assert response.status_code == 403
    document = html(response)
    assert document.findtext(".//h1") == "Request refused"
    assert "security token" in document.find_class("problem")[0].text_content()


@pytest.mark.parametrize("path", ACTIONS)
def test_actions_with_a_wrong_token_are_refused_too(desk, path):
    assert desk.post(path, {"csrf_token": "x" + csrf_of(desk.client)}).status_code == 403
    assert desk.post(path, {"csrf_token": "令牌"}).status_code == 403  # not even ASCII


def test_a_stranger_without_a_session_is_refused_before_anything(anonymous):
    response = anonymous.client.post("/desk/articles/x/publish")
    assert response.status_code == 403
    assert "Request refused" in response.get_data(as_text=True)


def test_the_csrf_header_is_accepted_for_scripts(desk, newsroom):
    from tests.desk.conftest import create_article

    create_article(desk.app, newsroom)
    response = desk.client.post(
        "/desk/articles/yrd-branches-cooperate/publish",
        headers={"X-CSRF-Token": csrf_of(desk.client)},
    )
    assert response.status_code == 303


def test_sign_in_sets_a_hardened_cookie_holding_only_the_token_id(desk_app, anonymous):
    token = token_for(desk_app)
    anonymous.client.get("/desk/sign-in")
    before = csrf_of(anonymous.client)
    response = anonymous.post("/desk/sign-in", {"token": token, "next": "/desk/glossary"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/desk/glossary"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" in cookie  # the test app's base URL is https
    assert token not in cookie
    with anonymous.client.session_transaction() as session:
        assert set(session["desk_editor"]) == {"id", "check"}
        assert token_store.hash_token(token) not in session["desk_editor"]["check"]
        assert session["csrf"] != before  # a token seen before sign-in is worthless after
    assert anonymous.get("/desk/glossary").status_code == 200


def test_no_secure_flag_over_plain_http(tmp_path, sqlite_url):
    app = make_app(tmp_path, sqlite_url, SYNDICATE_BASE_URL="http://127.0.0.1:8000")
    desk = Desk(app, app.test_client())
    response = desk.sign_in(token_for(app))
    assert "Secure" not in response.headers["Set-Cookie"]
    db.database(app).dispose()


@pytest.mark.parametrize("token", ["", "syn_unknown", "nonsense"])
def test_a_wrong_token_is_refused_with_a_message(anonymous, token):
    anonymous.client.get("/desk/sign-in")
    response = anonymous.post("/desk/sign-in", {"token": token})
    assert response.status_code == 401
    document = html(response)
    assert document.get_element_by_id("f-token").get("aria-invalid") == "true"
    assert "unknown or revoked" in document.get_element_by_id("f-token-error").text
    assert anonymous.get("/desk/").status_code == 302


def test_a_revoked_token_ends_the_session_at_the_next_request(
    desk_app, desk, editor_token_for_desk
):
    assert desk.get("/desk/").status_code == 200
    with desk_app.app_context(), db.database(desk_app).session() as session:
        (row,) = token_store.find(session, editor_token_for_desk)
        token_store.revoke(row)
    response = desk.get("/desk/")
    assert response.status_code == 302
    page = desk.page(response.headers["Location"])
    assert "the token was revoked" in page.text_content()
    with desk.client.session_transaction() as session:
        assert "desk_editor" not in session


def test_a_session_for_another_token_with_the_same_id_is_refused(desk_app, desk):
    """The check binds the session to the token's hash, not only to its row id."""
    with desk.client.session_transaction() as session:
        session["desk_editor"] = {"id": session["desk_editor"]["id"], "check": "0" * 64}
    assert desk.get("/desk/").status_code == 302


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/desk/", "/en/", "/desk\\@evil", ""]
)
def test_sign_in_never_redirects_off_the_desk(anonymous, desk_app, target):
    anonymous.client.get("/desk/sign-in")
    response = anonymous.post("/desk/sign-in", {"token": token_for(desk_app), "next": target})
    assert response.headers["Location"] == "/desk/"


def test_sign_out_ends_the_session_but_keeps_the_language(desk):
    desk.post("/desk/language", {"language": "zh", "next": "/desk/"})
    response = desk.post("/desk/sign-out")
    assert response.status_code == 303 and response.headers["Location"] == "/desk/sign-in"
    assert desk.get("/desk/").status_code == 302
    page = desk.page("/desk/sign-in")
    assert page.get("lang") == "zh-Hans"
    assert "已退出登录。" in page.text_content()


def test_language_follows_accept_language_then_the_editors_choice(desk):
    english = desk.page("/desk/")
    assert english.get("lang") == "en" and english.findtext(".//h1") == "Articles"
    chinese = html(desk.get("/desk/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}))
    assert chinese.get("lang") == "zh-Hans" and chinese.findtext(".//h1") == "文章"
    response = desk.post("/desk/language", {"language": "zh", "next": "/desk/glossary"})
    assert response.headers["Location"] == "/desk/glossary"
    chosen = html(desk.get("/desk/", headers={"Accept-Language": "en"}))
    assert chosen.get("lang") == "zh-Hans"
    pressed = chosen.xpath("//form[@class='language-form']//button[@aria-pressed='true']")
    assert [b.get("value") for b in pressed] == ["zh"]


def test_refusals_speak_the_editors_language(desk):
    desk.post("/desk/language", {"language": "zh"})
    response = desk.post("/desk/articles/x/publish", csrf=False)
    assert html(response).findtext(".//h1") == "请求被拒绝"


def test_desk_pages_are_not_cached_framed_or_scripted_from_elsewhere(desk):
    response = desk.get("/desk/")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "Cookie" in response.headers["Vary"]
    document = html(response)
    scripts = document.xpath("//script")
    assert [s.get("src") for s in scripts] == ["/static/desk.js"]
    assert not any(s.text for s in scripts)  # nothing inline: the policy would block it


def test_jobs_json_needs_a_session(anonymous):
    response = anonymous.get("/desk/jobs.json?id=1")
    assert response.status_code == 401
    assert response.mimetype == "application/json"


def test_admins_use_the_desk_too(desk_app, anonymous):
    anonymous.sign_in(token_for(desk_app, "admin", "Chief"))
    assert "Signed in as Chief" in anonymous.page("/desk/").text_content()
