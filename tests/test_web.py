"""`tutor web` in a real browser: headless chromium (Debian's), driven by Playwright, reading the
screen from the websocket (tests/browser.py). Screenshots are kept in tests/artifacts/."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser import BrowserTerminal, cmdline, descendants, launch
from playwright.async_api import async_playwright

from tutor.web import is_loopback, public_base, tutor_command

pytestmark = pytest.mark.slow

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"
BRAILLE = {chr(c) for c in range(0x2801, 0x2900)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebServer:
    def __init__(self, data_dir: Path, *args: str, course: Path = FIXTURE_COURSE,
                 before: tuple[str, ...] | list[str] = ()) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tutor", *before, "web", "--port", str(self.port), "--data-dir", str(data_dir),
             "--lessons", str(course), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        assert "serving on" in self.process.stdout.readline()
        self.url = f"http://127.0.0.1:{self.port}/"

    def tutors(self) -> set[int]:
        """The apps and kernels running for its tabs."""
        return {pid for pid in descendants(self.process.pid) if "tutor" in cmdline(pid)}

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def demo_course(tmp_path):
    """A course of the demo lesson alone: the last lesson on the home screen (end, enter)."""
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "01-demo.md").write_text((FIXTURE_COURSE / "01-demo.md").read_text("utf-8"), "utf-8")
    return folder


def selected(tab: BrowserTerminal, words: str) -> bool:
    """Whether the block showing `words` is the selected one (drawn with a heavy border)."""
    return any(line.lstrip().startswith("┃") for line in tab.text().splitlines() if words in line)


async def wait_until(condition, timeout: float, what: str) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        await asyncio.sleep(0.05)
    return time.monotonic() - start


async def test_a_learner_works_through_a_lesson_in_a_browser_and_closing_the_tab_ends_it(tmp_path, demo_course):
    server = WebServer(tmp_path / "data", course=demo_course)
    try:
        async with async_playwright() as playwright:
            browser = await launch(playwright)
            page = await browser.new_page(viewport={"width": 1000, "height": 640})
            tab = BrowserTerminal(page)
            await page.goto(server.url)
            await tab.wait_for("Demo lesson", timeout=60)
            await tab.screenshot("web-home.png")
            await tab.focus()

            await tab.press("End", "Enter")  # the demo lesson, at its opening text
            await tab.wait_for("step 1 of", timeout=30)
            await tab.press("n")
            await tab.wait_for("A cell the learner runs")
            await tab.press("r")  # the browser keeps ctrl+ keys for itself: bare letters work
            await tab.wait_for("42", timeout=90)  # the cell's value, from the real kernel
            # the source line, and what it printed: stdout and the value are both on screen
            await wait_until(lambda: tab.text().count("hello from the kernel") == 2, 5, "the cell's printed output")

            await tab.press("n")
            await tab.wait_for("step 3 of")
            await tab.press("r")  # the experiment: the plot draws live
            await wait_until(lambda: BRAILLE & set(tab.text()), 90, "a live loss plot")
            await tab.screenshot("web-live-plot.png")

            await tab.press("n")
            await tab.wait_for("step 4 of")
            # tab selects the next block (the selected one has a heavy border); enter edits it
            # the step opens with its first block, the choice quiz, selected
            await wait_until(lambda: selected(tab, "Which loss"), 10, "the first quiz selected")
            await tab.press("Tab")
            await wait_until(lambda: selected(tab, "1000 samples"), 10, "the number quiz selected")
            await tab.press("Enter")
            await tab.type("40")
            await tab.press("Enter")
            await tab.wait_for("✓", timeout=20)

            assert await wait_until(lambda: len(server.tutors()) >= 2, 10, "an app and its kernel for the tab") < 10
            await page.close()  # the learner closes the tab
            gone = await wait_until(lambda: not server.tutors(), 2.0, "app and kernel gone after the tab closed")
            print(f"app and kernel gone {gone:.2f} s after the tab closed")
            await browser.close()
    finally:
        server.close()
    assert server.process.returncode is not None


async def test_the_home_screen_in_chinese_in_a_browser(tmp_path):
    server = WebServer(tmp_path / "data", before=["--lang", "zh"])
    try:
        async with async_playwright() as playwright:
            browser = await launch(playwright)
            page = await browser.new_page(viewport={"width": 1000, "height": 640})
            tab = BrowserTerminal(page)
            await page.goto(server.url)
            await tab.wait_for("从零开始实现线性回归", timeout=60)
            await tab.screenshot("web-home-zh.png")
            await browser.close()
    finally:
        server.close()


def test_page_urls_follow_the_proxy_in_front(tmp_path):
    server = WebServer(tmp_path / "data")
    try:
        request = urllib.request.Request(server.url, headers={
            "X-Forwarded-Proto": "https", "X-Forwarded-Host": "hub.example.org",
            "X-Forwarded-Prefix": "/user/alice/tutor",
        })
        page = urllib.request.urlopen(request, timeout=10).read().decode()
        assert 'data-session-websocket-url="wss://hub.example.org/user/alice/tutor/ws"' in page
        assert "https://hub.example.org/user/alice/tutor/static/js/textual.js" in page
        # without forwarded headers: the address the browser used, never another
        page = urllib.request.urlopen(server.url, timeout=10).read().decode()
        assert f'data-session-websocket-url="ws://127.0.0.1:{server.port}/ws"' in page
    finally:
        server.close()


def test_a_path_only_public_url_is_a_prefix_not_an_error(tmp_path):
    server = WebServer(tmp_path / "data", "--public-url", "/tutor")
    try:
        page = urllib.request.urlopen(server.url, timeout=10).read().decode()
        assert f'data-session-websocket-url="ws://127.0.0.1:{server.port}/tutor/ws"' in page
    finally:
        server.close()


def test_public_base_prefers_a_full_public_url_then_the_forwarded_headers():
    headers = {"Host": "internal:9000", "X-Forwarded-Host": "a.example, proxy.local", "X-Forwarded-Proto": "https"}
    assert public_base(headers, "http", None) == "https://a.example"
    assert public_base(headers, "http", "https://tutor.example/x/") == "https://tutor.example/x"
    assert public_base({"Host": "h:1"}, "http", None) == "http://h:1"


def test_listening_beyond_loopback_warns_that_there_is_no_login(tmp_path):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")
    script = (
        "import sys, tutor.web as w\n"
        "w.make_server = lambda *a: type('S', (), {'serve': lambda self: None})()\n"
        "sys.exit(w.run_web('0.0.0.0', 1, None, []))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "WARNING" in result.stderr and "no login" in result.stderr and "JupyterHub" in result.stderr


def test_each_tab_runs_the_tutor_with_exec_and_says_it_is_in_a_browser():
    command = tutor_command("/opt/py/bin/python", ["--lang", "zh"])
    assert command.startswith("exec env TUTOR_WEB=1 /opt/py/bin/python -m tutor --lang zh")
    assert os.environ.get("TUTOR_WEB") is None  # the server's own environment is left alone
