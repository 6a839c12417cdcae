"""The desk runs in the web process, which must never import the translation stack: a fresh
interpreter signs in and opens every desk page (the models page included) without it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.translation_jobs.conftest import ROOT, cli_env

FORBIDDEN = ("argostranslate", "ctranslate2", "torch", "sentencepiece", "stanza", "spacy")

SCRIPT = """
import json, re, sys
from syndicate import create_app
from syndicate.storage import db, tokens

app = create_app()
with app.app_context(), db.database(app).session() as session:
    _row, token = tokens.create(session, role="editor", label="web")
client = app.test_client()
page = client.get("/desk/sign-in").get_data(as_text=True)
csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
signed_in = client.post("/desk/sign-in", data={"token": token, "csrf_token": csrf})
statuses = {"sign-in": signed_in.status_code}
for path in ("/desk/", "/desk/models", "/desk/glossary", "/desk/articles/new", "/desk/jobs.json"):
    statuses[path] = client.get(path).status_code
print(json.dumps({
    "statuses": statuses,
    "models": "translate-en_zh" in client.get("/desk/models").get_data(as_text=True),
    "modules": sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN),
}))
"""


def test_the_desk_never_imports_the_translation_stack(
    tmp_path, sqlite_url, packages_dir, argos_home
):
    env = cli_env(
        argos_home,
        DATABASE_URL=sqlite_url,
        QUEUE_URL=f"sqlite:///{tmp_path / 'queue.db'}",
        ARGOS_PACKAGES_DIR=packages_dir,
        INSTANCE_PATH=tmp_path / "instance",
        FEEDS_DIR=tmp_path / "feeds",
    )
    result = subprocess.run(
        [sys.executable, "-c", f"FORBIDDEN = {FORBIDDEN!r}\n" + SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["modules"] == []
    assert set(report["statuses"].values()) == {303, 200}
    assert report["models"]
