"""One session per learner at a time: a lock in the data dir, so that two logins (two SSH
connections, two browser tabs) never silently overwrite each other's progress.

The lock is `flock` on `<data dir>/session.lock`, held for the life of the process: the kernel
releases it however the process ends (SIGKILL and a dropped link included), so a stale lock
cannot outlive its session. The file also says who holds it (pid, host, front end, since when) so
the second session can tell the learner, and offer the safe choices: leave, or take over — the
first session is sent SIGTERM, on which it saves what is pending and exits (tutor/ui/app.py), and
the second starts once the lock is free. A holder on another host (a home shared over NFS) cannot
be signalled from here: then leaving is the only choice offered.

No torch and no textual here.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from tutor.files import PRIVATE_FILE, make_private_dirs

LOCK_NAME = "session.lock"


@dataclass(frozen=True)
class Holder:
    """The session that holds the lock."""

    pid: int
    host: str
    front_end: str
    since: float  # time.time() when it started

    @property
    def here(self) -> bool:
        """On this machine, so it can be asked to stop."""
        return self.host == socket.gethostname()

    def since_text(self) -> str:
        return time.strftime("%H:%M", time.localtime(self.since))


class SessionLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, front_end: str = "terminal") -> Holder | None:
        """Take the lock; None when taken, else who holds it. An unusable data dir (read-only,
        missing permissions) is not a second session: None, and saving will say what is wrong."""
        try:
            make_private_dirs(self.path.parent)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._read(fd)
            os.close(fd)
            return holder
        except OSError:
            os.close(fd)
            return None
        record = {"pid": os.getpid(), "host": socket.gethostname(), "front_end": front_end, "since": time.time()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        self._fd = fd
        return None

    @staticmethod
    def _read(fd: int) -> Holder:
        try:
            record = json.loads(os.pread(fd, 4096, 0) or b"{}")
            return Holder(int(record["pid"]), str(record["host"]), str(record.get("front_end", "")),
                          float(record["since"]))
        except (OSError, ValueError, KeyError, TypeError):
            # written by a session still starting, or damaged: someone holds it all the same
            return Holder(0, "", "", time.time())

    def take_over(self, holder: Holder, front_end: str = "terminal", timeout: float = 5.0) -> bool:
        """Ask the holder to save and exit (SIGTERM), then take the lock; False if it is still held
        after `timeout` seconds or the holder cannot be signalled from here."""
        if not holder.here or holder.pid <= 0:
            return False
        try:
            os.kill(holder.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        except PermissionError:
            return False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.acquire(front_end) is None and self.held:
                return True
            time.sleep(0.05)
        return False

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None
