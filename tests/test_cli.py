"""The console script, run as a user runs it: a real subprocess on a real database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.factories import article_payload


def run(env, *args, input=None):
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args],
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def cli_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDICATE_")}
    env["SYNDICATE_INSTANCE_PATH"] = str(tmp_path / "instance")
    env["SYNDICATE_FEEDS_DIR"] = str(tmp_path / "feeds")
    env["SYNDICATE_QUEUE_URL"] = "memory:"
    return env


def test_init_demo_tokens_import(cli_env, tmp_path):
    init = run(cli_env, "init", "--demo")
    assert init.returncode == 0, init.stderr
    assert "articles created" in init.stderr
    again = run(cli_env, "init", "--demo")
    assert again.returncode == 0
    assert "0 articles created" in again.stderr

    created = run(cli_env, "tokens", "create", "--role", "editor", "--label", "desk")
    assert created.returncode == 0
    token = created.stdout.strip()
    assert token.startswith("syn_")
    assert created.stdout == token + "\n"  # only the token on stdout: TOKEN=$(...) works

    listed = run(cli_env, "tokens", "list")
    assert "desk" in listed.stdout
    assert token not in listed.stdout

    lines = "\n".join(
        [
            json.dumps(article_payload(id="cli-1", section="top-news")),
            "garbage",
            json.dumps(article_payload(id="cli-2", section="missing")),
        ]
    )
    path = Path(tmp_path / "articles.jsonl")
    path.write_text(lines)
    imported = run(cli_env, "import", str(path))
    assert imported.returncode == 1
    assert "1 created" in imported.stdout
    assert "line 2" in imported.stderr
    assert "line 3" in imported.stderr

    revoked = run(cli_env, "tokens", "revoke", "desk")
    assert revoked.returncode == 0
    assert "revoked" in run(cli_env, "tokens", "list").stdout


def test_bad_configuration_is_reported_clearly(cli_env):
    cli_env["SYNDICATE_BASE_URL"] = "news.example.com"
    cli_env["SYNDICATE_PAGE_SIZE"] = "many"
    result = run(cli_env, "init")
    assert result.returncode != 0
    assert "SYNDICATE_BASE_URL" in result.stderr
    assert "SYNDICATE_PAGE_SIZE" in result.stderr
    assert "Traceback" not in result.stderr
