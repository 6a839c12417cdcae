"""``syndicate serve`` runs a translation worker beside the web server, and stops it on exit."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.translation_jobs.conftest import ROOT, cli_env, wait_for


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> dict[int, str]:
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                found[int(stat.parent.name)] = cmdline.decode()
        except (OSError, IndexError, ValueError):
            continue  # exited while we looked
    return found


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def serve_env(tmp_path, sqlite_url, packages_dir, argos_home):
    """The embedded default's settings on a temporary instance, with the tiny models."""
    return cli_env(
        argos_home,
        DATABASE_URL=sqlite_url,
        QUEUE_URL=f"sqlite:///{tmp_path / 'queue.db'}",
        ARGOS_PACKAGES_DIR=packages_dir,
        INSTANCE_PATH=tmp_path / "instance",
        FEEDS_DIR=tmp_path / "feeds",
    )


@pytest.mark.parametrize("flags", [[], ["--no-worker"]], ids=["with-worker", "no-worker"])
def test_serve_starts_and_stops_a_worker(tmp_path, serve_env, flags):
    env = serve_env
    port = _free_port()
    command = ["serve", "--port", str(port), "--workers", "1", *flags]
    with (tmp_path / "serve.log").open("wb") as log:
        serve = subprocess.Popen(
            [sys.executable, "-m", "syndicate", *command],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: _healthy(port), timeout=30)
            workers = [p for p, cmd in _children(serve.pid).items() if "syndicate worker" in cmd]
            assert len(workers) == (0 if flags else 1)
        finally:
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=30)
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists()  # stopped and reaped with the server


def test_serve_starts_a_new_worker_when_one_dies(tmp_path, serve_env):
    env = serve_env
    port = _free_port()

    def workers(pid: int) -> list[int]:
        return [p for p, cmd in _children(pid).items() if "syndicate worker" in cmd]

    with (tmp_path / "serve.log").open("wb") as log:
        serve = subprocess.Popen(
            [sys.executable, "-m", "syndicate", "serve", "--port", str(port), "--workers", "1"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: _healthy(port) and len(workers(serve.pid)) == 1, timeout=30)
            (first,) = workers(serve.pid)
            subprocess.run(["kill", "-9", str(first)], check=True)
            wait_for(lambda: workers(serve.pid) not in ([], [first]), timeout=30)
            (second,) = workers(serve.pid)
            assert second != first
            assert _healthy(port)  # the web server never noticed
        finally:
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=30)
    assert "exited with" in (tmp_path / "serve.log").read_text()
    assert not Path(f"/proc/{second}").exists()
