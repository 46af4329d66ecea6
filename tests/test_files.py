"""tutor/files.py: a SIGKILL in the middle of an atomic write leaves a temp file; the next start
removes it and keeps the real file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tutor.files import STALE_AFTER, remove_stale_temps
from tutor.progress import ProgressStore

ROOT = Path(__file__).resolve().parents[1]

# Writes `path` atomically, but its fsync never returns: the process is killed mid-write.
STUCK_WRITER = """\
import os, sys, time
from pathlib import Path
from tutor.files import atomic_write
os.fsync = lambda fd: time.sleep(120)
atomic_write(Path(sys.argv[1]), b"the new text")
"""


def killed_mid_write(path: Path) -> Path:
    """Run an atomic write of `path` in a process, SIGKILL it mid-write; return the temp file left."""
    writer = subprocess.Popen([sys.executable, "-c", STUCK_WRITER, str(path)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not (temps := list(path.parent.glob(f".{path.name}.*.tmp"))) and time.monotonic() < deadline:
            time.sleep(0.02)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    finally:
        writer.kill()
    assert len(temps) == 1
    return temps[0]


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_next_start_removes_what_a_kill_mid_write_left(tmp_path):
    store = ProgressStore(tmp_path)
    store.load()
    store.code.save_exercise("01-data", "data-iter", "def data_iter(): ...\n")
    progress_temp = killed_mid_write(store.path)
    [exercise] = (tmp_path / "exercises").rglob("*.py")
    exercise_temp = killed_mid_write(exercise)
    for temp in (progress_temp, exercise_temp):
        age(temp, STALE_AFTER + 1)

    again = ProgressStore(tmp_path)
    assert again.load() is None
    assert not progress_temp.exists() and not exercise_temp.exists()
    assert again.code.load_exercise("01-data", "data-iter") == "def data_iter(): ...\n"


def test_a_fresh_temp_file_may_be_another_sessions_write_and_stays(tmp_path):
    fresh = tmp_path / ".progress.json.abcd1234.tmp"
    fresh.write_bytes(b"half")
    old = tmp_path / "cells" / ".3.py.zz_99xyz.tmp"
    old.parent.mkdir()
    old.write_bytes(b"half")
    age(old, STALE_AFTER + 1)
    mine = tmp_path / "notes.tmp"  # not a name atomic_write makes
    mine.write_bytes(b"keep")
    age(mine, STALE_AFTER + 1)
    assert remove_stale_temps(tmp_path) == [old]
    assert fresh.exists() and mine.exists()


def test_a_symlink_named_like_a_temp_file_is_left_alone(tmp_path):
    target = tmp_path / "precious"
    target.write_bytes(b"keep")
    link = tmp_path / ".progress.json.abcd1234.tmp"
    link.symlink_to(target)
    os.utime(link, (0, 0), follow_symlinks=False)
    assert remove_stale_temps(tmp_path) == []
    assert link.is_symlink() and target.read_bytes() == b"keep"
