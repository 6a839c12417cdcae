"""Runs the README's nginx snippet (``nginx-feeds.conf``) on a loopback port, unprivileged.

Used by the feeds benchmark and by ``tests/publication/test_nginx.py``: both serve exactly the
snippet the README shows, with only its port, feeds folder and upstream replaced.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SNIPPET = HERE / "nginx-feeds.conf"
TEMPLATE = HERE / "nginx.conf.template"

# What the snippet says, and what a local run replaces it with.
SNIPPET_LISTEN = "listen 80;"
SNIPPET_FEEDS_DIR = "/srv/syndicate/feeds/"
SNIPPET_MEDIA_DIR = "/srv/syndicate/media/"
SNIPPET_UPSTREAM = "server 127.0.0.1:8000;"


def executable() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def adapt_snippet(
    text: str, *, port: int, feeds_dir: Path, app_port: int, media_dir: Path | None = None
) -> str:
    """The snippet with its port, folders and upstream replaced; fails if one is not there, so
    an edit of the snippet cannot silently leave a test serving something else. ``media_dir``
    defaults to a ``media`` folder beside ``feeds_dir`` (nginx does not mind if it is absent)."""
    for needle in (SNIPPET_LISTEN, SNIPPET_FEEDS_DIR, SNIPPET_MEDIA_DIR, SNIPPET_UPSTREAM):
        if needle not in text:
            raise ValueError(f"the nginx snippet no longer contains {needle!r}")
    media_dir = Path(media_dir) if media_dir is not None else Path(feeds_dir).parent / "media"
    return (
        text.replace(SNIPPET_LISTEN, f"listen 127.0.0.1:{port};")
        .replace(SNIPPET_FEEDS_DIR, f"{Path(feeds_dir).resolve()}/")
        .replace(SNIPPET_MEDIA_DIR, f"{media_dir.resolve()}/")
        .replace(SNIPPET_UPSTREAM, f"server 127.0.0.1:{app_port};")
    )


def write_config(
    prefix: Path,
    *,
    port: int,
    feeds_dir: Path,
    app_port: int,
    workers: int | str = "auto",
    media_dir: Path | None = None,
) -> Path:
    prefix.mkdir(parents=True, exist_ok=True)
    snippet = prefix / "syndicate.conf"
    snippet.write_text(
        adapt_snippet(
            SNIPPET.read_text(),
            port=port,
            feeds_dir=feeds_dir,
            app_port=app_port,
            media_dir=media_dir,
        )
    )
    config = prefix / "nginx.conf"
    config.write_text(
        TEMPLATE.read_text()
        .replace("@PREFIX@", str(prefix.resolve()))
        # As root, workers would drop to "nobody", who cannot read a private temporary folder.
        .replace("@USER@", "user root;" if os.geteuid() == 0 else "")
        .replace("@WORKERS@", str(workers))
        .replace("@SNIPPET@", str(snippet.resolve()))
    )
    return config


def start(
    prefix: Path,
    *,
    feeds_dir: Path,
    port: int | None = None,
    app_port: int = 9,
    workers: int | str = "auto",
    timeout: float = 10.0,
    media_dir: Path | None = None,
) -> tuple[subprocess.Popen, int]:
    """Start nginx in the foreground (``daemon off``) and wait until it accepts connections.
    ``app_port`` is where the fallback upstream points (port 9, discard, when there is none)."""
    binary = executable()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx)")
    port = port or free_port()
    config = write_config(prefix, port=port, feeds_dir=feeds_dir, app_port=app_port,
                          workers=workers, media_dir=media_dir)  # fmt: skip
    check = subprocess.run([binary, "-t", "-q", "-p", str(prefix), "-c", str(config)],
                           capture_output=True, text=True)  # fmt: skip
    if check.returncode != 0:
        raise RuntimeError(f"nginx rejected the configuration:\n{check.stderr}")
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {process.stderr.read().decode(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.05)
    stop(process)
    raise TimeoutError(f"nginx did not listen on 127.0.0.1:{port} within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM: fast shutdown of the master and its workers
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr:
        process.stderr.close()
