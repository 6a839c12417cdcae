"""Long-running loops stop on SIGTERM/SIGINT, however many arrive at once.

A Python signal handler calling ``Event.set`` deadlocks when a second signal interrupts it
inside the lock (a publishers child hung for 30 s that way in CI, until it was killed); with a
burst of 50 signals the old handler failed about one process in six here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from syndicate import stopping

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LOOP = textwrap.dedent(
    """
    import sys, threading
    from syndicate import stopping

    stopping.SYNCHRONOUS = sys.argv[1] == "synchronous"
    stopping.take_stop_signals()

    def work(stop):
        print("ready", flush=True)
        stop.wait()
        print("stopped", flush=True)

    stopping.run_until_stopped({"work": work}, threading.Event())
    """
)


def _burst(process: subprocess.Popen, signum: int, count: int) -> None:
    for _ in range(count):
        try:
            os.kill(process.pid, signum)
        except ProcessLookupError:
            return


@pytest.mark.slow
@pytest.mark.parametrize("way", ["synchronous", "flag"])
def test_a_burst_of_stop_signals_stops_the_loop_cleanly_every_time(way):
    """``flag``: the fallback where ``sigtimedwait`` is missing (macOS)."""
    env = {**os.environ, "PYTHONPATH": ROOT}
    for round_ in range(20):
        process = subprocess.Popen(
            [sys.executable, "-c", LOOP, way], stdout=subprocess.PIPE, text=True, env=env
        )
        try:
            assert process.stdout.readline() == "ready\n"
            _burst(process, (signal.SIGTERM, signal.SIGINT)[round_ % 2], 50)
            out, _ = process.communicate(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
        # Stopped by the loop (the target saw the request), not killed by a signal.
        assert (process.returncode, out) == (0, "stopped\n"), round_


def test_each_target_runs_in_its_own_thread_until_stop():
    stop = threading.Event()
    seen: list[str] = []

    def target(stop: threading.Event) -> None:
        seen.append(threading.current_thread().name)
        if len(seen) == 2:
            stop.set()
        stop.wait()

    stopping.run_until_stopped({"a": target, "b": target}, stop, interval=0.05)
    assert sorted(seen) == ["a", "b"] and stop.is_set()


def test_a_target_that_fails_stops_the_others_and_its_error_is_raised():
    stopped: list[bool] = []

    def failing(_stop: threading.Event) -> None:
        raise RuntimeError("disk full")

    def waiting(stop: threading.Event) -> None:
        stopped.append(stop.wait(10))

    with pytest.raises(RuntimeError, match="disk full"):
        stopping.run_until_stopped(
            {"failing": failing, "waiting": waiting}, threading.Event(), interval=0.05
        )
    assert stopped == [True]
