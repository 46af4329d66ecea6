"""Durable files for the learner's data: atomic replace, moving an unreadable file aside, removal.

Every write is atomic (temp file in the same folder, fsync, os.replace, fsync of the folder), so a
crash, a full disk or a dropped SSH connection leaves either the old file or the new one, never half
of one. ProgressError is the one error the progress store and the learner's code files raise, with
a message in plain words for the learner.

No torch and no textual here.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


class ProgressError(Exception):
    """Progress or code could not be saved (or read); the message is plain words for the learner."""

    def __init__(self, message: str, path: Path | None = None):
        super().__init__(message)
        self.path = path


def reason(e: OSError) -> str:
    """Why an OS call failed, in the system's words ("No space left on device")."""
    return e.strerror or str(e) or type(e).__name__


# On a shared class server home dirs are often 0755: the learner's data dir and everything in
# it are private whatever the umask, so a classmate cannot even list it.
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private(folder: Path) -> None:
    """Bring `folder` and everything below it to 0700 folders and 0600 files: data dirs made by
    older versions (0755) are closed at the next start.

    Best effort past the folder itself: a file the learner does not own is left as it is.
    """
    os.chmod(folder, PRIVATE_DIR)
    for root, dirs, names in os.walk(folder):
        for name, mode in [(d, PRIVATE_DIR) for d in dirs] + [(n, PRIVATE_FILE) for n in names]:
            path = Path(root, name)
            try:
                if not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) != mode:
                    os.chmod(path, mode)
            except OSError:
                continue


def make_private_dirs(folder: Path) -> None:
    """mkdir -p where each folder created is 0700 (mkdir's mode= applies to the last one only)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        created.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        os.chmod(created, PRIVATE_DIR)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash at any point leaves the old or the new file.

    The file is 0600 (mkstemp's mode, kept by os.replace); every folder made for it is 0700.
    """
    make_private_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable. Best effort: some systems cannot open a folder for fsync,
    # and by now the new file is in place either way.
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def move_aside(path: Path, when: datetime, prefix: str) -> Path:
    """Rename `path` to <prefix><UTC time>[-n].json without ever replacing a file."""
    stamp = when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1000):
        suffix = "" if n == 0 else f"-{n}"
        target = path.with_name(f"{prefix}{stamp}{suffix}.json")
        try:
            # A hard link fails if the target exists, where os.rename would silently replace it.
            os.link(path, target)
        except FileExistsError:
            continue
        except OSError:
            # No hard links on this file system: copy with exclusive create, then remove.
            try:
                _copy_exclusive(path, target)
            except FileExistsError:
                continue
        os.unlink(path)
        fsync_dir(path.parent)
        return target
    raise FileExistsError(f"too many kept-aside progress files in {path.parent}")


def _copy_exclusive(source: Path, target: Path) -> None:
    data = source.read_bytes()
    with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


# What atomic_write's mkstemp names look like: ".<target name>.<8 random characters>.tmp".
_TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
# A temp file younger than this may belong to a write in progress in another session of the
# same learner (two logins at once); one write takes milliseconds.
STALE_AFTER = 60.0


def remove_stale_temps(folder: Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Delete the temp files that atomic_write leaves when its process is killed mid-write (a
    SIGKILL between mkstemp and os.replace), in `folder` and below; return those removed.

    Called when the progress store loads, so they go at the next start. Best effort: a file that
    cannot be removed stays, and is harmless (never read, and the real file is intact).
    """
    removed: list[Path] = []
    cutoff = time.time() - older_than
    for root, _dirs, names in os.walk(folder):
        for name in names:
            if not _TEMP_NAME.fullmatch(name):
                continue
            path = Path(root, name)
            try:
                info = path.lstat()  # a symlink is not ours: it is never followed nor removed
                if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                    path.unlink()
                    removed.append(path)
            except OSError:
                continue
    return removed


def remove(path: Path) -> None:
    """Delete the file at `path`; nothing if there is none."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
