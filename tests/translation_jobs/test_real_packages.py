"""Jobs on the package layouts users install: the index's 1.9 OPUS-MT layout through a real
worker (and an upgrade it picks up without a restart), BPE packages, runaway models, broken
packages (failed at once, never retried)."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicate.storage import db
from tests.support import argos_layouts
from tests.translation_jobs.conftest import (
    add_section,
    cli_env,
    create,
    en_article,
    jobs_of,
    run_cli,
    variant,
    wait_for,
)

pytestmark = pytest.mark.translation

OPUS_TITLE, OPUS_BODY = list(argos_layouts.OPUS_EXPECTED)


def _install(argos_home, target: Path, *archives: Path) -> None:
    env = cli_env(argos_home, ARGOS_PACKAGES_DIR=target, INSTANCE_PATH=target.parent / "inst")
    result = run_cli(["models", "install", *map(str, archives)], env)
    assert result.returncode == 0, result.stderr


def _opus_article(**overrides) -> dict:
    return en_article(
        title=OPUS_TITLE,
        summary="",
        body_html=f"<p>{OPUS_BODY}</p>",
        image={"url": "/media/hub.jpg"},
        **overrides,
    )


def test_the_index_layout_is_translated_by_a_worker_which_picks_up_an_upgrade(
    tmp_path, sqlite_url, argos_home, opus_archive, tiny_archives, start_worker
):
    from tests.translation_jobs.test_worker_process import _setup

    packages = tmp_path / "models" / "argos-packages"
    _install(argos_home, packages, opus_archive, tiny_archives["zh_en"])
    queue = f"sqlite:///{tmp_path / 'instance' / 'queue.db'}"
    app, headers, env = _setup(tmp_path, sqlite_url, packages, argos_home, queue)
    client = app.test_client()
    add_section(client, headers)
    create(client, headers, _opus_article())

    worker = start_worker(env)
    wait_for(lambda: [j.status for j in jobs_of(app)] == ["done"], timeout=90)
    zh = variant(app, "hongqiao-hub", "zh")
    assert (zh.title, zh.engine) == (
        argos_layouts.OPUS_EXPECTED[OPUS_TITLE],
        "argos:translate-en_zh@1.9",
    )
    assert zh.body_html == f"<p>{argos_layouts.OPUS_EXPECTED[OPUS_BODY]}</p>"

    # A newer package is installed while the worker runs: its next job uses it, no restart.
    upgrade = argos_layouts.build_upper_package(tmp_path / "build", "2.0")
    _install(argos_home, packages, upgrade)
    body = {"title": "The company discussed a new policy.", "revision": 1}
    response = client.patch("/api/v1/articles/hongqiao-hub", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    wait_for(lambda: [j.status for j in jobs_of(app)] == ["done", "done"], timeout=90)
    zh = variant(app, "hongqiao-hub", "zh")
    assert (zh.title, zh.engine) == (
        "THE COMPANY DISCUSSED A NEW POLICY。",
        "argos:translate-en_zh@2.0",
    )
    assert worker.proc.poll() is None  # the same process, never restarted
    assert "argos:translate-en_zh@1.9 was replaced or removed" in worker.output()
    db.database(app).dispose()


@pytest.fixture
def installed(tmp_path, argos_home, tiny_archives):
    """A packages folder per test: ``install(archive)`` adds an en→zh package to zh→en."""

    def install(archive: Path) -> Path:
        target = tmp_path / "models" / "argos-packages"
        _install(argos_home, target, archive, tiny_archives["zh_en"])
        return target

    return install


def _translate_one(make_test_app, packages: Path, admin_headers_of) -> tuple[object, object]:
    app = make_test_app(packages=packages)
    client = app.test_client()
    headers = admin_headers_of(app)
    add_section(client, headers)
    create(client, headers, en_article(summary="", image={"url": "/media/hub.jpg"}))
    (job,) = jobs_of(app)
    return app, job


@pytest.fixture
def admin_headers_of():
    from tests.conftest import _token

    return lambda app: {"Authorization": f"Bearer {_token(app, 'admin')}"}


def test_a_bpe_package_translates_through_a_job(
    tmp_path, installed, make_test_app, admin_headers_of
):
    packages = installed(argos_layouts.build_bpe_package(tmp_path / "build"))
    app, job = _translate_one(make_test_app, packages, admin_headers_of)
    assert (job.status, job.attempts, job.error) == ("done", 1, None)
    zh = variant(app, "hongqiao-hub", "zh")
    assert zh.title == "A NEW HUB OPENS IN HONGQIAO"
    assert '<a href="https://example.com/hq">HONGQIAO</a>' in zh.body_html


def test_a_looping_model_is_retried_and_recorded(
    tmp_path, installed, make_test_app, admin_headers_of
):
    packages = installed(argos_layouts.build_looping_package(tmp_path / "build"))
    app, job = _translate_one(make_test_app, packages, admin_headers_of)
    assert job.status == "done"
    assert "looping segment(s) retried" in job.detail
    assert "left untranslated (still looping)" in job.detail
    zh = variant(app, "hongqiao-hub", "zh")
    assert "AAAA" not in zh.title.upper().replace(" ", "")
    assert zh.title == "A new hub opens in Hongqiao"  # kept in its language, not repeats


def test_a_broken_package_fails_at_once_without_retries(
    tmp_path, installed, make_test_app, admin_headers_of
):
    packages = installed(argos_layouts.build_upper_package(tmp_path / "build", "1.0"))
    (model,) = packages.glob("translate-en_zh*/sentencepiece.model")
    model.write_bytes(b"truncated download")
    app, job = _translate_one(make_test_app, packages, admin_headers_of)
    assert (job.status, job.attempts) == ("failed", 1)
    assert "translate-en_zh 1.0" in job.error and "cannot be loaded" in job.error
    assert "install it again with `syndicate models install`" in job.error
    assert variant(app, "hongqiao-hub", "zh").status == "failed"
