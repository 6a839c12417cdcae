"""Writers racing each other through a real server (gunicorn, 2 workers × 8 threads) on SQLite
and PostgreSQL: every answer is a success, a 404 or a 409 — never a 5xx — and the server logs
no traceback."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from syndicate.storage import db
from tests.conftest import _token
from tests.hardening.processes import WebServer, app_env
from tests.support.factories import SECTIONS, article_payload

pytestmark = pytest.mark.slow


@pytest.fixture
def server(app, database_url, tmp_path):
    env = app_env(tmp_path, database_url)
    web = WebServer(env, tmp_path / "web.log")
    web.headers = {"Authorization": f"Bearer {_token(app, 'admin')}"}
    for section in SECTIONS:
        response = requests.post(f"{web.url}/api/v1/sections", json=section, headers=web.headers)
        assert response.status_code == 201, response.text
    yield web
    web.stop()
    db.database(app).dispose()
    assert "Traceback" not in web.output(), web.output()[-4000:]


def race(calls) -> list[requests.Response]:
    """Run the calls at once (a barrier releases them together)."""
    barrier = threading.Barrier(len(calls))

    def go(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(go, calls))


def test_sixteen_creates_of_one_id_make_one_article_and_fifteen_409s(server):
    url = f"{server.url}/api/v1/articles"
    payload = article_payload(status="published")
    answers = race([lambda: requests.post(url, json=payload, headers=server.headers)] * 16)
    assert Counter(a.status_code for a in answers) == {201: 1, 409: 15}
    assert all(
        a.headers["Content-Type"] == "application/problem+json"
        for a in answers[1:]
        if a.status_code == 409
    )
    listed = requests.get(url, headers=server.headers).json()
    assert listed["total"] == 1


def test_publish_unpublish_and_delete_of_one_article_race_cleanly(server):
    base = f"{server.url}/api/v1/articles"
    for round_ in range(3):
        article_id = f"raced-{round_}"
        payload = article_payload(id=article_id, status="published")
        assert requests.post(base, json=payload, headers=server.headers).status_code == 201
        one = f"{base}/{article_id}"
        calls = []
        for i in range(12):
            action = ("publish", "unpublish", "delete")[i % 3]
            if action == "delete":
                calls.append(lambda one=one: requests.delete(one, headers=server.headers))
            else:
                calls.append(
                    lambda one=one, a=action: requests.post(f"{one}/{a}", headers=server.headers)
                )
        answers = race(calls)
        codes = Counter(a.status_code for a in answers)
        assert set(codes) <= {200, 204, 404, 409}, [(a.status_code, a.text) for a in answers]
        assert codes[204] == 1  # exactly one delete won
        assert requests.get(one, headers=server.headers).status_code == 404


def test_parallel_edits_of_one_revision_one_wins_the_rest_409(server):
    base = f"{server.url}/api/v1/articles"
    assert requests.post(base, json=article_payload(), headers=server.headers).status_code == 201
    one = f"{base}/yrd-branches-cooperate"
    calls = [
        lambda i=i: requests.patch(
            one, json={"title": f"Edit {i}", "revision": 1}, headers=server.headers
        )
        for i in range(8)
    ]
    codes = Counter(a.status_code for a in race(calls))
    assert codes == {200: 1, 409: 7}
    assert requests.get(one, headers=server.headers).json()["revision"] == 2


def test_glossary_patches_into_one_direction_race_to_one_200_and_409s(server):
    url = f"{server.url}/api/v1/glossary"
    ids = []
    for source, target in (("zh", "en"), ("en", "zh")):
        for term in ("Hongqiao", "HONGQIAO hub") if source == "zh" else ("Minhang",):
            body = {"source_language": source, "target_language": target, "source_term": term}
            response = requests.post(url, json=body, headers=server.headers)
            assert response.status_code == 202, response.text
            ids.append(response.json()["id"])
    # Both zh→en terms move to en→zh with the same term: one may win, the other is a 409.
    move = {"source_language": "en", "target_language": "zh", "source_term": "Hongqiao"}
    calls = [
        lambda term_id=term_id: requests.patch(
            f"{url}/{term_id}", json=move, headers=server.headers
        )
        for term_id in ids[:2]
    ]
    codes = Counter(a.status_code for a in race(calls))
    assert codes == {202: 1, 409: 1}
    # Into a direction that already has the term: 409 (not a unique-key 500).
    taken = {"source_language": "en", "target_language": "zh", "source_term": "Minhang"}
    answer = requests.patch(f"{url}/{ids[0]}", json=taken, headers=server.headers)
    assert answer.status_code == 409
