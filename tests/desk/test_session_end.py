"""Issue 10, desk: signing out ends the session for every copy of its cookie; a ``next`` with
CR/LF falls back to the default redirect."""

from __future__ import annotations

from http.cookies import SimpleCookie

from tests.desk.conftest import Desk, csrf_of


def _session_cookie(desk: Desk) -> str:
    cookie = desk.client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_a_cookie_saved_before_sign_out_no_longer_works(desk_app, desk):
    saved = _session_cookie(desk)
    saved_csrf = csrf_of(desk.client)
    assert desk.get("/desk/").status_code == 200
    assert desk.post("/desk/sign-out").status_code == 303

    replay = desk_app.test_client()
    replay.set_cookie("session", saved)
    page = replay.get("/desk/")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/desk/sign-in")
    action = replay.post("/desk/jobs/forget", data={"csrf_token": saved_csrf})
    assert action.status_code == 403  # not a 303: the action did not run


def test_signing_in_again_after_sign_out_works(desk_app, desk, editor_token_for_desk):
    desk.post("/desk/sign-out")
    desk.sign_in(editor_token_for_desk)
    assert desk.get("/desk/").status_code == 200


def test_next_with_cr_lf_redirects_to_the_default(desk):
    for target in ("/desk/\r\nSet-Cookie: x=1", "/desk/%0d%0a", "/desk/\u2028x"):
        response = desk.post("/desk/language", {"language": "zh", "next": target})
        assert response.status_code == 303, target
        location = response.headers["Location"]
        assert "\r" not in location and "\n" not in location
        assert "x" not in SimpleCookie(response.headers.get("Set-Cookie", ""))
    response = desk.get("/desk/sign-in", query_string={"next": "/desk/\r\nX: y"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/desk/"
