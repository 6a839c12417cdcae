"""``syndicate models install --from-index`` against a local package index (a real HTTP server on
127.0.0.1 serving ``index.json`` and genuine packages), as an operator runs it."""

from __future__ import annotations

import json
import shutil
import socket
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from syndicate.translation.packages import installed_directions
from tests.translation_jobs.conftest import cli_env, run_cli

pytestmark = pytest.mark.translation


class _Quiet(SimpleHTTPRequestHandler):
    requests: list[str]

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.requests.append(self.path)
        super().do_GET()


@pytest.fixture
def index_server(tmp_path) -> Iterator[tuple[str, Path, list[str]]]:
    """(base URL, served folder, request paths): an index server on a free loopback port."""
    root = tmp_path / "served"
    root.mkdir()
    requests: list[str] = []
    handler = type("Handler", (_Quiet,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: handler(*a, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root, requests
    server.shutdown()
    server.server_close()


def _index(base: str, *packages: tuple[str, str, str, str]) -> list[dict]:
    return [
        {
            "package_version": version,
            "argos_version": "1.9",
            "from_code": src,
            "to_code": tgt,
            "from_name": src,
            "to_name": tgt,
            "type": "translate",
            "links": [f"{base}/v1/{file}"],
        }
        for src, tgt, version, file in packages
    ]


@pytest.fixture
def served(index_server, opus_archive, tiny_archives):
    base, root, requests = index_server
    (root / "v1").mkdir()
    shutil.copy(opus_archive, root / "v1" / "translate-en_zh-1_9.argosmodel")
    shutil.copy(tiny_archives["zh_en"], root / "v1" / "translate-zh_en-0_0_1.argosmodel")
    entries = _index(
        base,
        ("en", "zh", "1.7", "translate-en_zh-1_7.argosmodel"),  # older: never downloaded
        ("en", "zh", "1.9", "translate-en_zh-1_9.argosmodel"),
        ("zh", "en", "0.0.1", "translate-zh_en-0_0_1.argosmodel"),
    )
    (root / "index.json").write_text(json.dumps(entries))
    return base, root, requests


def _env(argos_home, tmp_path, index_url: str) -> dict[str, str]:
    return cli_env(
        argos_home,
        ARGOS_PACKAGES_DIR=tmp_path / "argos-packages",
        INSTANCE_PATH=tmp_path / "instance",
        ARGOS_INDEX_URL=index_url,
    )


def test_installs_the_newest_version_of_each_direction(served, argos_home, tmp_path):
    base, _root, requests = served
    env = _env(argos_home, tmp_path, f"{base}/index.json")
    cache = tmp_path / "instance" / "argos-downloads"
    cache.mkdir(parents=True)
    # An older version's download and an interrupted one, left by earlier runs (~70 MB each).
    (cache / "translate-en_zh-1_7.argosmodel").write_bytes(b"old")
    (cache / "translate-zh_en-0_0_1.argosmodel.part").write_bytes(b"half")

    result = run_cli(["models", "install", "--from-index", "en", "zh"], env)
    assert result.returncode == 0, result.stderr
    assert "installed translate-en_zh 1.9 (en→zh)" in result.stdout
    assert "installed translate-zh_en 0.0.1 (zh→en)" in result.stdout
    assert "downloading translate-en_zh 1.9" in result.stderr
    assert requests == [
        "/index.json",
        "/v1/translate-en_zh-1_9.argosmodel",
        "/v1/translate-zh_en-0_0_1.argosmodel",
    ]
    versions = {(p.from_code, p.version) for p in installed_directions(tmp_path / "argos-packages")}
    assert versions == {("en", "1.9"), ("zh", "0.0.1")}
    assert list(cache.iterdir()) == []  # old, partial and installed downloads all removed

    # Up to date: the index is read again, nothing is downloaded.
    again = run_cli(["models", "install", "--from-index", "en", "zh"], env)
    assert again.returncode == 0, again.stderr
    assert "translate-en_zh 1.9 is installed already (the newest)" in again.stdout
    assert requests[3:] == ["/index.json"]


def test_a_cached_download_of_the_same_version_is_reused(served, argos_home, tmp_path):
    base, root, requests = served
    cache = tmp_path / "instance" / "argos-downloads"
    cache.mkdir(parents=True)
    shutil.copy(root / "v1" / "translate-en_zh-1_9.argosmodel", cache)
    env = _env(argos_home, tmp_path, f"{base}/index.json")
    result = run_cli(["models", "install", "--from-index", "en", "zh"], env)
    assert result.returncode == 0, result.stderr
    assert "/v1/translate-en_zh-1_9.argosmodel" not in requests


def _error(result) -> str:
    """The one error line (after progress lines, if any)."""
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert [line for line in lines if "Error" in line] == lines[-1:], result.stderr
    return lines[-1]


def test_clean_one_line_errors(served, argos_home, tmp_path):
    base, root, _requests = served
    missing = _env(argos_home, tmp_path, f"{base}/nothing-here.json")
    assert _error(run_cli(["models", "install", "--from-index", "en", "zh"], missing)) == (
        f"Error: cannot read the Argos package index at {base}/nothing-here.json: "
        "HTTP 404 File not found"
    )

    (root / "v1" / "translate-zh_en-0_0_1.argosmodel").unlink()
    env = _env(argos_home, tmp_path, f"{base}/index.json")
    assert _error(run_cli(["models", "install", "--from-index", "en", "zh"], env)) == (
        "Error: cannot download translate-zh_en 0.0.1 "
        f"({base}/v1/translate-zh_en-0_0_1.argosmodel: HTTP 404 File not found)"
    )
    assert not list((tmp_path / "instance" / "argos-downloads").glob("*zh_en*"))
    assert installed_directions(tmp_path / "argos-packages") == []  # nothing half-installed

    (root / "index.json").write_text("<html>captive portal</html>")
    assert _error(run_cli(["models", "install", "--from-index", "en", "zh"], env)) == (
        f"Error: {base}/index.json is not an Argos package index (invalid JSON)"
    )
    (root / "index.json").write_text(json.dumps([]))
    assert _error(run_cli(["models", "install", "--from-index", "en", "zh"], env)) == (
        "Error: the Argos package index has no en→zh package"
    )


def test_unreachable_and_silent_servers(argos_home, tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    refused = _env(argos_home, tmp_path, f"http://127.0.0.1:{closed}/index.json")
    assert _error(run_cli(["models", "install", "--from-index", "en", "zh"], refused)) == (
        f"Error: cannot read the Argos package index at http://127.0.0.1:{closed}/index.json: "
        "Connection refused"
    )

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/index.json"
        env = _env(argos_home, tmp_path, url)
        result = run_cli(["models", "install", "--from-index", "en", "zh", "--timeout", "1"], env)
    assert _error(result) == f"Error: cannot read the Argos package index at {url}: timed out"
