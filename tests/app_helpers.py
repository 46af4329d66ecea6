"""Driving the app as a learner does, for the Pilot tests."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static, TextArea

from tutor.content.discover import load_course
from tutor.settings import Settings
from tutor.ui.app import TutorApp, make_app

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"


def fixture_app(data_dir: Path, lang: str = "en", *, start_kernel: bool = True, **settings: Any) -> TutorApp:
    """The app on the fixture course; `settings` are Settings fields (stable_clock=True, ...)."""
    return make_app(
        Settings(data_dir=data_dir, lang=lang, **settings), [load_course(FIXTURE_COURSE)], start_kernel=start_kernel
    )


async def wait_for(pilot, predicate, timeout: float = 30.0, what: str = "condition"):
    """Let the app run until predicate() is true; fail with `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        value = predicate()
        if value:
            return value
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def text_of(widget) -> str:
    """What a Static shows, as plain text."""
    content = widget.render()
    return str(getattr(content, "plain", content))


def status_text(screen, selector: str = "#status") -> str:
    return text_of(screen.query_one(selector, Static))


async def type_text(pilot, text: str) -> None:
    """Type characters one key at a time, as a learner would."""
    for char in text:
        if char == "\n":
            await pilot.press("enter")
        else:
            await pilot.press(char)


async def replace_input(pilot, field: Input, text: str) -> None:
    field.focus()
    await pilot.pause()
    field.value = ""
    await type_text(pilot, text)
    await pilot.pause()


async def open_demo_lesson(pilot, step_title: str) -> None:
    """From home: open the demo lesson and step forward until the step `step_title` shows."""
    app = pilot.app
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    for _ in range(10):
        if _step_title(app.screen) == step_title:
            return
        await pilot.press("ctrl+n")
        await pilot.pause()
    raise AssertionError(f"no step titled {step_title!r}")


def _step_title(screen) -> str:
    lesson = screen.lesson
    return lesson.steps[screen.step].title


def editor_of(widget) -> TextArea:
    return widget.query_one(TextArea)


def notices(messages: list[Any]) -> list[str]:
    """The texts of every notification the app showed, from `run_test(message_hook=messages.append)`."""
    from textual.notifications import Notify

    return [str(m.notification.message) for m in messages if isinstance(m, Notify)]


def write_course(folder: Path, lessons: dict[str, str]) -> Path:
    """A course folder with one lesson file per (file name, text) pair."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in lessons.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def course_app(data_dir: Path, folder: Path, *, start_kernel: bool = False, **settings: Any) -> TutorApp:
    return make_app(Settings(data_dir=data_dir, **settings), [load_course(folder)], start_kernel=start_kernel)
