"""A learner in a real browser: Debian's chromium, headless, driven by Playwright, on a page served
by `tutor web` (textual-serve). Used by tests/test_web.py and tests/test_jupyterhub.py.

xterm.js draws on a canvas, so the screen is not in the DOM: it is rebuilt here from what the
server sends, by feeding the websocket's binary frames (the app's terminal output) into a pyte
screen sized as the page's own terminal (its "resize" messages say how big).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import pyte
from procs import descendants  # noqa: F401  (re-exported for the web tests)

CHROMIUM = "/usr/bin/chromium"
# No background traffic: this machine reaches no network, and chromium retries many at a time.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--no-default-browser-check",
]
ARTIFACTS = Path(os.environ.get("TUTOR_TEST_ARTIFACTS", Path(__file__).parent / "artifacts"))


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class BrowserTerminal:
    """One tab showing the tutor; `text()` is what the learner sees."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.frames = 0
        page.on("websocket", self._watch)

    def _watch(self, websocket: Any) -> None:
        websocket.on("framereceived", self._received)
        websocket.on("framesent", self._sent)

    def _received(self, payload: Any) -> None:
        if isinstance(payload, (bytes, bytearray)):
            self.frames += 1
            self.stream.feed(bytes(payload))

    def _sent(self, payload: Any) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.screen.resize(size["height"], size["width"])

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    async def wait_for(self, needle: str, timeout: float = 30.0) -> float:
        start = time.monotonic()
        while needle not in self.text():
            if time.monotonic() - start > timeout:
                raise AssertionError(f"{needle!r} not on the page's screen after {timeout} s:\n{self.text()}")
            await asyncio.sleep(0.05)
        return time.monotonic() - start

    async def focus(self) -> None:
        """Put the keyboard in the terminal (xterm's own input), as a click does, but without a
        mouse click, which the app would take as a click on whatever row is under it."""
        await self.page.locator(".xterm-helper-textarea").first.focus()

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.page.keyboard.press(key)
            await asyncio.sleep(0.05)

    async def type(self, text: str) -> None:
        await self.page.keyboard.type(text, delay=20)

    async def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        await self.page.screenshot(path=str(path))
        return path


async def launch(playwright: Any) -> Any:
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
