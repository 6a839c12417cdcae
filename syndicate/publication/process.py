"""The publishers of ``syndicate worker``, in a process of their own.

Rendering feeds is CPU work in Python. Beside translation in one process it takes turns with the
translation thread for the interpreter lock: a render holds it for milliseconds at a time, and
the translation thread needs it between model calls (tokenizing, rebuilding HTML, storing), so
both slowed down (200 translated articles by one worker, ``make bench-hosts``: 2.7x the
model's own time with the publisher as a thread, 2.1x with it in a child process, measured
back to back). The worker therefore starts its publishers in a child process
(``multiprocessing`` spawn: a fresh interpreter that never imports the model), starts it again
if it dies, and stops it when it stops; the child stops by itself when the worker dies
(``PR_SET_PDEATHSIG`` on Linux, and a watch of its parent).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time

log = logging.getLogger(__name__)
#: Seconds between looks at the child (restart) and, in the child, at the parent.
WATCH_INTERVAL = 0.5
#: Longest wait before starting a child again that keeps dying.
MAX_RESTART_DELAY = 30.0


class Publishers:
    """``threads`` publisher threads in a child process, kept running until ``stop``."""

    def __init__(self, threads: int):
        self.threads = threads
        self.process: multiprocessing.process.BaseProcess | None = None
        self.started = 0
        self._spawned_at = 0.0
        self._stop = threading.Event()
        self._watch: threading.Thread | None = None

    def start(self) -> Publishers:
        self._spawn()
        self._watch = threading.Thread(target=self._supervise, name="publishers", daemon=True)
        self._watch.start()
        return self

    def _spawn(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.process = context.Process(
            target=run_child,
            args=(self.threads, os.getpid()),
            name="syndicate-publishers",
            daemon=True,
        )
        self.process.start()
        self._spawned_at = time.monotonic()
        self.started += 1
        log.info("publishers: %d thread(s) in process %s", self.threads, self.process.pid)

    def _supervise(self) -> None:
        delay = 1.0
        while not self._stop.wait(WATCH_INTERVAL):
            process = self.process
            if process is None or process.is_alive():
                continue
            if time.monotonic() - self._spawned_at > MAX_RESTART_DELAY:
                delay = 1.0  # it ran a good while: a death now is not a crash loop
            log.error("publishers: process %s ended (%s); starting again in %.0f s",
                      process.pid, process.exitcode, delay)  # fmt: skip
            if self._stop.wait(delay):
                return
            delay = min(delay * 2, MAX_RESTART_DELAY)
            self._spawn()

    def stop(self, timeout: float = 30.0) -> None:
        """Let the child finish what it renders (SIGTERM), kill it after ``timeout``."""
        self._stop.set()
        if self._watch is not None:
            self._watch.join()
        process = self.process
        if process is None or not process.is_alive():
            return
        process.terminate()
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(5)


def _die_with_parent(parent: int, stop: threading.Event) -> None:
    if sys.platform.startswith("linux"):
        # The kernel sends SIGTERM the moment the parent dies, even by SIGKILL (strictly: when
        # the parent's thread that started this child ends; ``start`` is called by the worker's
        # main thread, restarts by the supervising thread, and both live until ``stop``).
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    def watch() -> None:  # elsewhere (and if the parent died before prctl): look
        while not stop.wait(WATCH_INTERVAL):
            if os.getppid() != parent:
                log.warning("publishers: the worker %s is gone; stopping", parent)
                stop.set()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_child(threads: int, parent: int) -> None:
    """The child: an app of its own (the same ``SYNDICATE_*`` settings), ``threads``
    publishers until SIGTERM/SIGINT or the worker's death."""
    from syndicate import create_app, stopping
    from syndicate.publication import publisher

    stopping.take_stop_signals()  # before any thread starts: they inherit the mask
    stop = threading.Event()
    _die_with_parent(parent, stop)
    app = create_app()
    with app.app_context():
        run = publisher.for_app(app).run_forever
        stopping.run_until_stopped(
            {f"publisher-{number}": run for number in range(threads)}, stop, WATCH_INTERVAL
        )
