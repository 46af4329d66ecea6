"""A learner at a real terminal: a command in a PTY (ptyprocess, from pexpect), its output fed to
a pyte screen, keys typed into it. Used by the SSH tests and by bench/class.py and
bench/ssh_bytes.py, which run many of these at once.

A reader thread drains the PTY all the time (an app blocked on a full PTY would stall and make
every figure wrong) and records when each byte arrived, so latency and bytes per second are
measured from what really reached the terminal.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Sequence

import pyte
from ptyprocess import PtyProcessUnicode

KEYS = {
    "enter": "\r", "esc": "\x1b", "tab": "\t", "space": " ", "backspace": "\x7f",
    "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D",
    "pgdn": "\x1b[6~", "pgup": "\x1b[5~", "f1": "\x1bOP", "home": "\x1b[H", "end": "\x1b[F",
    "ctrl+end": "\x1b[1;5F", "ctrl+home": "\x1b[1;5H",
}


ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=$ ]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)")
RAW_KEPT = 65536
KEY_GAP = 0.03  # seconds between two keys of one press()


def key(name: str) -> str:
    """'ctrl+r' -> '\\x12', 'enter' -> '\\r', anything else as typed."""
    if name.startswith("ctrl+") and len(name) == 6:
        return chr(ord(name[-1].lower()) - ord("a") + 1)
    return KEYS.get(name, name)


class PtyLearner:
    def __init__(self, argv: Sequence[str], *, env: dict[str, str] | None = None, cols: int = 80,
                 rows: int = 24) -> None:
        environment = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        self.started = time.monotonic()
        self.process = PtyProcessUnicode.spawn(list(argv), env=environment, dimensions=(rows, cols))
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.screen)
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.arrivals: list[tuple[float, int]] = []  # (time, bytes) of every read
        self.closed = False
        # with watch_screen off, output is not emulated (pyte costs CPU a benchmark must not take
        # from the server it measures): only kept as text, escape sequences removed, to search
        self.watch_screen = True
        self.raw = ""
        self.raw_total = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = self.process.read(65536)
            except EOFError:
                break
            except OSError:
                break
            with self.changed:
                self.arrivals.append((time.monotonic(), len(chunk.encode("utf-8"))))
                if self.watch_screen:
                    self.stream.feed(chunk)
                else:
                    text = ESCAPES.sub("", chunk)
                    self.raw = (self.raw + text)[-RAW_KEPT:]
                    self.raw_total += len(text)
                self.changed.notify_all()
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    # -- reading the screen ---------------------------------------------------------------

    def text(self) -> str:
        with self.lock:
            return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 30.0) -> float:
        """Seconds from now until `needle` is on the screen; TimeoutError with the screen if never."""
        start = time.monotonic()
        deadline = start + timeout
        with self.changed:
            while needle not in "\n".join(self.screen.display):
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    screen = "\n".join(self.screen.display)
                    raise TimeoutError(f"{needle!r} not on screen after {timeout:.0f} s:\n{screen}")
                self.changed.wait(min(left, 0.5))
        return time.monotonic() - start

    def output_after(self, needle: str, since: int, timeout: float = 30.0) -> float:
        """With watch_screen off: seconds from now until `needle` is in the text written after the
        position `since` (a value of `reads`), ignoring what came before."""
        start = time.monotonic()
        deadline = start + timeout
        with self.changed:
            while True:
                fresh = min(self.raw_total - since, len(self.raw))
                if fresh > 0 and needle in self.raw[-fresh:]:
                    return time.monotonic() - start
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    raise TimeoutError(f"{needle!r} not in the output within {timeout:.0f} s")
                self.changed.wait(min(left, 0.5))

    @property
    def reads(self) -> int:
        """How much text has been written (with watch_screen off): a position for output_after."""
        with self.lock:
            return self.raw_total

    def bytes_between(self, start: float, end: float) -> int:
        with self.lock:
            return sum(n for t, n in self.arrivals if start <= t < end)

    # -- typing -----------------------------------------------------------------------------

    def press(self, *names: str) -> None:
        """Keys one after another at a fast typist's pace: a burst of escape sequences in one
        read is not what a terminal sends when a person types."""
        for i, name in enumerate(names):
            if i:
                time.sleep(KEY_GAP)
            self.process.write(key(name))

    def type(self, text: str) -> None:
        """Characters as typed; a line end is the Enter key (a terminal sends CR for it)."""
        self.process.write(text.replace("\n", "\r"))

    def keypress_latency(self, name: str, timeout: float = 10.0) -> float:
        """Seconds from a key press until the terminal receives the next output."""
        with self.lock:
            count = len(self.arrivals)
        sent = time.monotonic()
        self.press(name)
        deadline = sent + timeout
        with self.changed:
            while len(self.arrivals) == count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no output within {timeout} s of {name!r}")
                self.changed.wait(left)
            return self.arrivals[count][0] - sent

    # -- ending -----------------------------------------------------------------------------

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.isalive()

    def kill(self, sig: int) -> None:
        self.process.kill(sig)

    def close(self) -> None:
        try:
            self.process.terminate(force=True)
        except Exception:
            pass
