"""``syndicate models``, ``glossary`` and ``translate refresh``, run as an operator runs them."""

from __future__ import annotations

import pytest

from tests.translation_jobs.conftest import (
    add_section,
    cli_env,
    create,
    en_article,
    jobs_of,
    run_cli,
    variant,
    zh_article,
)


@pytest.fixture
def newsroom(make_test_app, sqlite_url, argos_home, packages_dir, tmp_path):
    """Articles in a database, no translations yet; ``env`` runs the CLI on the same data."""
    app = make_test_app(SYNDICATE_AUTO_TRANSLATE=False)
    client = app.test_client()
    from tests.conftest import _token

    headers = {"Authorization": f"Bearer {_token(app, 'admin')}"}
    add_section(client, headers)
    create(client, headers, en_article())
    create(client, headers, zh_article())
    env = cli_env(
        argos_home,
        DATABASE_URL=sqlite_url,
        QUEUE_URL="memory:",
        ARGOS_PACKAGES_DIR=packages_dir,
        INSTANCE_PATH=tmp_path / "instance",
        FEEDS_DIR=tmp_path / "feeds",
    )
    return app, env


def test_models_install_and_list(packages_dir, en_zh_only_dir, argos_home, tmp_path):
    log = (packages_dir.parent / "install.log").read_text()
    assert "installed translate-en_zh 0.0.1 (en→zh)" in log
    assert "installed translate-zh_en 0.0.1 (zh→en)" in log

    full = run_cli(["models", "list"], cli_env(argos_home, ARGOS_PACKAGES_DIR=packages_dir))
    assert full.returncode == 0, full.stderr
    lines = [line.split("\t")[:3] for line in full.stdout.splitlines()]
    assert lines == [["en→zh", "translate-en_zh", "0.0.1"], ["zh→en", "translate-zh_en", "0.0.1"]]

    half = run_cli(["models", "list"], cli_env(argos_home, ARGOS_PACKAGES_DIR=en_zh_only_dir))
    assert half.stdout.splitlines()[1].startswith("zh→en\tMISSING\tinstall translate-zh_en")


def test_models_install_errors_are_clear(argos_home, tmp_path):
    env = cli_env(argos_home, ARGOS_PACKAGES_DIR=tmp_path / "argos-packages")
    # Nothing listens on port 9: the "network" fails at once, like on this offline machine.
    env["SYNDICATE_ARGOS_INDEX_URL"] = "http://127.0.0.1:9/index.json"
    offline = run_cli(["models", "install", "--from-index", "en", "zh"], env)
    assert offline.returncode == 1
    assert offline.stderr == (
        "Error: cannot read the Argos package index at http://127.0.0.1:9/index.json: "
        "Connection refused\n"
    )

    bogus = tmp_path / "bogus.argosmodel"
    bogus.write_text("not a zip")
    bad = run_cli(["models", "install", str(bogus)], env)
    assert bad.returncode == 1
    assert "is not an Argos package (not a zip archive)" in bad.stderr


def test_glossary_commands(newsroom):
    _app, env = newsroom
    added = run_cli(["glossary", "add", "--from", "en", "--to", "zh", "Hongqiao", "虹桥"], env)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "added term 1: Hongqiao → 虹桥"
    kept = run_cli(["glossary", "add", "--from", "en", "--to", "zh", "KINGDOM Coffee"], env)
    assert kept.stdout.strip() == "added term 2: KINGDOM Coffee → KINGDOM Coffee"
    again = run_cli(["glossary", "add", "--from", "en", "--to", "zh", "hongqiao", "x"], env)
    assert again.returncode == 1 and "already has 'Hongqiao' (id 1)" in again.stderr

    listed = run_cli(["glossary", "list", "--from", "en"], env)
    assert listed.stdout.splitlines() == [
        "1\ten→zh\tHongqiao\t虹桥",
        "2\ten→zh\tKINGDOM Coffee\tKINGDOM Coffee",
    ]
    assert run_cli(["glossary", "remove", "1"], env).stdout.strip() == "removed term 1"
    assert run_cli(["glossary", "remove", "1"], env).returncode == 1


def test_translate_refresh(newsroom):
    app, env = newsroom
    result = run_cli(["translate", "refresh", "--article", "hongqiao-hub"], env)
    assert result.returncode == 0, result.stderr
    assert "job 1\thongqiao-hub → zh\tdone\ttranslated" in result.stdout
    assert "translating" in result.stderr  # the progress bar
    assert variant(app, "hongqiao-hub", "zh").title == "A NEW HUB OPENS IN HONGQIAO"

    stale = run_cli(["translate", "refresh", "--stale", "--no-wait"], env)
    assert stale.stdout.split() == ["2"]  # only the Chinese article was not translated
    assert variant(app, "minhang-budget", "en").status == "ready"
    nothing = run_cli(["translate", "refresh", "--section", "hongqiao", "--stale"], env)
    assert (nothing.returncode, nothing.stderr.strip()) == (0, "nothing to translate")

    assert run_cli(["translate", "refresh"], env).returncode == 2
    assert run_cli(["translate", "refresh", "--article", "x", "--stale"], env).returncode == 2
    missing = run_cli(["translate", "refresh", "--article", "nope"], env)
    assert (missing.returncode, missing.stderr.strip()) == (1, "Error: no article with id 'nope'")


def test_translate_refresh_reports_failures(newsroom, en_zh_only_dir):
    app, env = newsroom
    env["SYNDICATE_ARGOS_PACKAGES_DIR"] = str(en_zh_only_dir)
    result = run_cli(["translate", "refresh", "--article", "minhang-budget", "--lang", "en"], env)
    assert result.returncode == 1
    assert "minhang-budget → en\tfailed\tNo Argos package installed for zh→en" in result.stdout
    assert [j.status for j in jobs_of(app)] == ["failed"]
