"""Stopping long-running loops on SIGTERM/SIGINT without a signal handler.

A Python handler that sets a ``threading.Event`` can deadlock: ``Event.set`` takes a lock, and
a second signal arriving while the handler holds it runs the handler again, nested, in the same
thread, which then waits forever for the lock its outer call holds. Second signals are common:
the worker's SIGTERM, the process group's, and ``PR_SET_PDEATHSIG``'s come together (a
publishers child hung that way for the 30 s until it was killed). So these signals are blocked
before any thread starts (threads inherit the mask) and the main thread takes them
synchronously with ``sigtimedwait``; nothing runs inside a handler, and repeated signals only
coalesce while pending. Where ``sigtimedwait`` is missing (macOS), a handler only records the
signal in a list (no lock), and the main thread looks at it between short joins.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})
#: False where the platform lacks it (tests set it to exercise the fallback).
SYNCHRONOUS = hasattr(signal, "sigtimedwait")
_received: list[int] = []


def take_stop_signals() -> None:
    """Call first, before any thread starts: SIGTERM/SIGINT wait for ``run_until_stopped``."""
    if SYNCHRONOUS:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        return
    for signum in STOP_SIGNALS:
        signal.signal(signum, lambda signum, _frame: _received.append(signum))


def _requested(interval: float) -> bool:
    """Whether a stop signal came, waiting up to ``interval`` for one."""
    if SYNCHRONOUS:
        return signal.sigtimedwait(STOP_SIGNALS, interval) is not None
    if not _received:
        threading.Event().wait(interval)  # the handler runs meanwhile; its flag is read next
    if not _received:
        return False
    for signum in STOP_SIGNALS:  # more of them now would kill the process as it exits
        signal.signal(signum, signal.SIG_IGN)
    return True


def run_until_stopped(
    targets: dict[str, Callable[[threading.Event], None]],
    stop: threading.Event,
    interval: float = 0.5,
) -> None:
    """Run each ``target(stop)`` in a thread named by its key until all return; SIGTERM or
    SIGINT (taken by ``take_stop_signals``), or anyone else, setting ``stop`` asks them to.
    The first exception a target raised stops the others and is raised here."""
    failures: list[BaseException] = []

    def guarded(target: Callable[[threading.Event], None]) -> None:
        try:
            target(stop)
        except BaseException as exc:
            failures.append(exc)
            stop.set()

    threads = [
        threading.Thread(target=guarded, args=(target,), name=name, daemon=True)
        for name, target in targets.items()
    ]
    for thread in threads:
        thread.start()
    while alive := [thread for thread in threads if thread.is_alive()]:
        if stop.is_set():
            alive[0].join(interval)
        elif _requested(interval):
            stop.set()
    if failures:
        raise failures[0]
