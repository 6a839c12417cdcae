"""``make run`` on a fresh copy of the repository, offline: what a newcomer sees and gets.

The copy holds the files git would check out; the virtualenv step is skipped (``-o``: the
running interpreter's environment is used), everything else is the real Makefile: the Argos
index (unreachable here) is tried with its short timeout, the demo is loaded, the welcome is
printed, and ``syndicate serve`` runs on the port given on the command line.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "syndicate" / "demo"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fresh_copy(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _demo(name: str) -> list[dict]:
    return [json.loads(line) for line in (DEMO / name).read_text().splitlines() if line]


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_offline_shows_a_bilingual_demo_and_what_to_open(tmp_path):
    clone = _fresh_copy(tmp_path / "clone")
    port, closed = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYNDICATE_", "ARGOS_"))}
    env |= {
        "HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(clone),
        # Offline: nothing listens there (the real index is on the internet).
        "SYNDICATE_ARGOS_INDEX_URL": f"http://127.0.0.1:{closed}/index.json",
    }
    bin_dir = Path(sys.executable).parent
    output = tmp_path / "make.out"
    with output.open("wb") as out:
        make = subprocess.Popen(
            ["make", "run", "-o", ".venv/.installed", f"BIN={bin_dir}", f"PORT={port}"],
            cwd=clone,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make, serve, gunicorn, worker
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                zh = _get_json(f"{base}/feeds/zh/all.json")
                break
            except OSError:
                assert make.poll() is None, output.read_text()
                assert time.monotonic() < deadline, output.read_text()
                time.sleep(0.5)
        en = _get_json(f"{base}/feeds/en/all.json")
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)
    text = output.read_text()

    # The feeds of each language carry the other language's articles translated by editors.
    translations = _demo("translations.jsonl")
    for feed, language in ((zh, "zh"), (en, "en")):
        items = {item["id"].rsplit("/", 2)[-2]: item for item in feed["items"]}
        ours = [t for t in translations if t["language"] == language]
        assert ours
        for translation in ours:
            item = items[translation["id"]]
            assert item["title"] == translation["title"]
            assert item["_syndicate"]["origin"] == "editor"
        assert item["url"].startswith(base)  # the base URL follows PORT
    # The rest waits for machine translation: not in the other language's feed yet.
    translated = {t["id"] for t in translations}
    english = {a["id"] for a in _demo("articles.jsonl") if a["language"] == "en"}
    zh_ids = {item["id"].rsplit("/", 2)[-2] for item in zh["items"]}
    assert zh_ids & english == translated & english

    # One line about the unreachable index, then the welcome, and no warnings of ours.
    assert text.count("models: none installed from the index") == 1
    assert f"syndicate serves {base}" in text
    for shown in ("/en/", "/zh/", "/feeds/en/all.rss", "/feeds/zh/all.atom", "/desk/"):
        assert f"{base}{shown}" in text
    assert "syndicate tokens create --role editor" in text
    assert "Traceback" not in text
    assert "Deprecat" not in text and "INFO syndicate" not in text.split("syndicate serves")[0]
