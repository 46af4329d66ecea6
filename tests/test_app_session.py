"""A learner who opens a second session (a second SSH login, a second tab) is told, and chooses."""

from __future__ import annotations

from app_helpers import fixture_app, text_of, wait_for
from test_session_lock import hold
from textual.widgets import Static

from tutor.ui.screens.home import HomeScreen
from tutor.ui.screens.second_session import SecondSessionScreen


async def test_a_second_session_can_take_over_from_the_first(tmp_path):
    first = hold(tmp_path)  # another session of this learner holds the data dir
    try:
        app = fixture_app(tmp_path, start_kernel=False)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await wait_for(pilot, lambda: isinstance(app.screen, SecondSessionScreen) and app.screen,
                                    what="the second-session screen")
            told = text_of(screen.query_one("#other", Static))
            assert "Another tutor session" in told and f"process {first.pid}" in told
            await pilot.press("t")
            await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="the lessons after taking over")
            assert first.wait(5) == 143  # asked with SIGTERM: the first session saves and exits
            assert app.session.held
    finally:
        first.kill()


async def test_a_second_session_can_leave_the_first_alone(tmp_path):
    first = hold(tmp_path)
    try:
        app = fixture_app(tmp_path, start_kernel=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SecondSessionScreen), what="the second-session screen")
            await pilot.press("q")
            await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
        assert first.poll() is None  # untouched
        assert app.return_code == 0
    finally:
        first.kill()


async def test_the_first_session_opens_the_lessons_directly(tmp_path):
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="the lessons")
        assert app.session.held


def test_plain_mode_is_told_too_and_leaves_the_other_session_alone(tmp_path):
    import subprocess
    import sys

    first = hold(tmp_path)
    try:
        result = subprocess.run([sys.executable, "-m", "tutor", "--data-dir", str(tmp_path), "plain"],
                                input="q\n", capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        assert "Another tutor session" in result.stdout and f"process {first.pid}" in result.stdout
        assert first.poll() is None
    finally:
        first.kill()


def test_plain_mode_can_take_over(tmp_path):
    import subprocess
    import sys

    first = hold(tmp_path)
    try:
        result = subprocess.run([sys.executable, "-m", "tutor", "--data-dir", str(tmp_path), "plain"],
                                input="t\n", capture_output=True, text=True, timeout=120)
        assert first.wait(5) == 143
        assert result.returncode == 0  # then the session ran; the end of input ended it
    finally:
        first.kill()
