"""Two sessions of one learner: the second is told who holds the data dir, and can take over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from tutor.session_lock import SessionLock

HOLDER = textwrap.dedent("""
    import signal, sys, time
    from pathlib import Path
    from tutor.session_lock import SessionLock
    lock = SessionLock(Path(sys.argv[1]))
    assert lock.acquire("terminal") is None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print("held", flush=True)
    time.sleep(60)
""")


def hold(data_dir) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(data_dir)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_session_is_told_who_holds_the_data_dir(tmp_path):
    first = hold(tmp_path / "data")
    try:
        holder = SessionLock(tmp_path / "data").acquire("web")
        assert holder is not None
        assert holder.pid == first.pid and holder.here and holder.front_end == "terminal"
        assert oct((tmp_path / "data" / "session.lock").stat().st_mode & 0o777) == "0o600"
    finally:
        first.kill()
        first.wait()


def test_taking_over_asks_the_first_session_to_exit_and_then_holds_the_lock(tmp_path):
    first = hold(tmp_path / "data")
    second = SessionLock(tmp_path / "data")
    holder = second.acquire()
    assert holder is not None
    assert second.take_over(holder, timeout=5)
    assert first.wait(5) == 143  # it was asked with SIGTERM, on which the app saves and exits
    assert second.held
    assert SessionLock(tmp_path / "data").acquire() is not None  # now a third one is told
    second.release()
    assert SessionLock(tmp_path / "data").acquire() is None


def test_a_killed_session_leaves_no_stale_lock(tmp_path):
    first = hold(tmp_path / "data")
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert SessionLock(tmp_path / "data").acquire() is None


def test_a_holder_on_another_host_is_not_signalled(tmp_path):
    from tutor.session_lock import Holder

    elsewhere = Holder(pid=os.getpid(), host="another-host", front_end="terminal", since=0.0)
    assert not SessionLock(tmp_path / "data").take_over(elsewhere, timeout=0.2)
