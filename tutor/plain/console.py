"""Standard input and output for plain mode: lines in, wrapped text out, colour only on a terminal.

Input is read by a daemon thread into an asyncio queue, so the kernel keeps loading torch and
running while the learner reads, and the end of a pipe (or of a file) is an ordinary event: None.
ctrl+c is not read here: the session turns it into an interrupt of the running code, or an end.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import sys
import threading
from typing import IO

from tutor.safe_text import visible

# ANSI SGR codes for the few kinds of text plain mode marks; none at all without a colour terminal.
STYLES = {
    "heading": "1",
    "bold": "1",
    "italic": "3",
    "code": "36",
    "right": "1;32",
    "wrong": "1;31",
    "warn": "33",
    "hint": "36",
    "muted": "2",
    "prompt": "1",
}

INTERRUPT = object()  # put in the input queue by ctrl+c at a prompt


class Console:
    def __init__(self, stdin: int, stdout: IO[str], *, color: bool, width: int, echo: bool,
                 live: bool = False) -> None:
        self.out = stdout
        self.color = color
        self.width = width
        # a piped answer is not echoed by any terminal: write it after its prompt, so a transcript
        # reads as the conversation it was
        self.echo = echo
        # a person is watching (output is a terminal): say now and then how a long run is going
        self.live = live
        self._stdin = stdin
        self._lines: asyncio.Queue[object] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def for_process(cls, *, no_color: bool, dumb: bool) -> Console:
        """The process's own stdin and stdout: colour only on a terminal that is not dumb, without
        NO_COLOR; the terminal's width (80 when output is not a terminal)."""
        out = sys.stdout
        if isinstance(out, io.TextIOWrapper):
            out.reconfigure(errors="replace")
        terminal = out.isatty()
        width = shutil.get_terminal_size().columns if terminal else 80
        return cls(sys.stdin.fileno(), out, color=terminal and not no_color and not dumb,
                   width=max(20, width), echo=not sys.stdin.isatty(), live=terminal)

    def start(self) -> None:
        """Begin reading input (call once, inside the running event loop)."""
        self._loop = asyncio.get_running_loop()
        threading.Thread(target=self._read, name="plain-input", daemon=True).start()

    def _read(self) -> None:
        # os.read, not sys.stdin: a daemon thread blocked inside a buffered reader holds its lock,
        # and the interpreter aborts at exit when it cannot take that lock to close stdin.
        assert self._loop is not None
        pending = b""
        while True:
            try:
                chunk = os.read(self._stdin, 65536)
            except OSError:
                chunk = b""
            if chunk:
                *lines, pending = (pending + chunk).split(b"\n")
            else:
                lines, pending = ([pending] if pending else []), b""
            for raw in lines:
                line = raw.decode("utf-8", errors="replace").rstrip("\r")
                self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            if not chunk:
                self._loop.call_soon_threadsafe(self._lines.put_nowait, None)
                return

    def interrupt(self) -> None:
        """ctrl+c while waiting for a line."""
        self._lines.put_nowait(INTERRUPT)

    async def read_line(self, prompt: str) -> object:
        """The next line (str), None at the end of input, or INTERRUPT."""
        self.write(self.style(prompt, "prompt") + " ", end="")
        line = await self._lines.get()
        if self.echo:
            self.write(visible(line) if isinstance(line, str) else "")
        elif line is None or line is INTERRUPT:
            self.write("")
        return line

    def style(self, text: str, kind: str) -> str:
        code = STYLES.get(kind)
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code and text else text

    def write(self, text: str = "", end: str = "\n") -> None:
        self.out.write(text + end)
        self.out.flush()

    def lines(self, lines: list[str]) -> None:
        self.write("\n".join(lines))
