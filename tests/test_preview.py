"""`tutor preview FILE`: the lesson opens at once, and every save redraws it at the same step, or
shows its errors in place of the lesson until it is fixed. Driven with Pilot while the file is
rewritten, as an instructor's editor does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from textual.widgets import Static

from tests.app_helpers import text_of, wait_for
from tutor.preview import PreviewApp
from tutor.settings import Settings
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.screens.preview import PreviewErrors


def lesson_text(second_title: str = "Two", quiz_type: str = "number") -> str:
    return (
        "---\nid: draft\ntitle: A draft\nlang: en\n---\n"
        "## One\n\nFirst step.\n\n"
        f"## {second_title}\n\nSecond step.\n\n"
        f"```quiz\nid: draft-q\ntype: {quiz_type}\nprompt: How many?\nanswer: 3\n```\n\n"
        "## Three\n\nLast step.\n"
    )


def save(path: Path, text: str) -> None:
    """Write as an editor does, and make sure the modification time moves even within one tick."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, "utf-8")
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def shown_step(app: PreviewApp) -> tuple[int, str] | None:
    screen = app.screen
    if not isinstance(screen, LessonScreen):
        return None
    return screen.step, screen.lesson.steps[screen.step].title


def counter_of(app: PreviewApp) -> str:
    found = app.screen.query("#counter").results(Static)
    return next((text_of(w) for w in found), "")


async def test_each_save_redraws_the_same_step_and_a_broken_file_shows_its_errors(tmp_path):
    path = tmp_path / "course" / "01-draft.md"
    path.parent.mkdir()
    save(path, lesson_text())
    app = PreviewApp(Settings(data_dir=tmp_path / "data"), path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: shown_step(app) == (0, "One"), what="the lesson at step 1")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: shown_step(app) == (1, "Two"), what="step 2")
        counter = await wait_for(pilot, lambda: counter_of(app), what="the step counter")
        assert counter == "step 2 of 3"

        save(path, lesson_text(second_title="Two, rewritten"))
        await wait_for(pilot, lambda: shown_step(app) == (1, "Two, rewritten") and counter_of(app) == counter,
                       what="the edit, drawn at step 2")

        save(path, lesson_text(quiz_type="nummber"))
        errors = await wait_for(pilot, lambda: isinstance(app.screen, PreviewErrors) and app.screen,
                                what="the errors in place of the lesson")
        shown = [text_of(w) for w in errors.query(".error").results(Static)]
        assert len(shown) == 1 and shown[0].startswith("16:7  unknown quiz type 'nummber'")
        assert "01-draft.md cannot be shown: 1 error" in text_of(errors.query_one("#errors-title", Static))

        save(path, lesson_text())
        await wait_for(pilot, lambda: shown_step(app) == (1, "Two"), what="the lesson again, at step 2")


async def test_a_broken_file_opens_on_its_errors_and_a_fix_opens_the_lesson(tmp_path):
    path = tmp_path / "01-draft.md"
    save(path, lesson_text(quiz_type="nummber"))
    app = PreviewApp(Settings(data_dir=tmp_path / "data"), path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewErrors), what="the errors")
        save(path, lesson_text())
        await wait_for(pilot, lambda: shown_step(app) == (0, "One"), what="the fixed lesson")


def test_preview_of_a_missing_file_says_so(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tutor", "preview", str(tmp_path / "nope.md")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert f"{tmp_path / 'nope.md'} is not a lesson file" in done.stderr
