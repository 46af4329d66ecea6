"""`tutor preview FILE`: one lesson file open in the app, redrawn at the same step on every save.

An instructor edits the file in their own editor; the preview polls the file's size and
modification time (a few times a second: cheap, and it works on every filesystem and editor, which
inotify-style watching over an SSH home or an editor's rename-on-save does not always). On a
change it re-reads the file together with its folder, so the checks across files (translations,
ids) count too, and then shows the lesson at the step it was on, or its errors in place of the
lesson until the file is fixed.

The preview keeps its progress in a throw-away data dir: trying a lesson out must not mark the
instructor's own progress, and a second preview must not be refused as a second session.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from textual.screen import Screen

import tutor.ui.app
from tutor.content.discover import load_course
from tutor.content.model import BrokenLesson, Course, Lesson
from tutor.i18n import t
from tutor.settings import Settings
from tutor.ui.app import TutorApp
from tutor.ui.screens.preview import PreviewErrors

# How often the file is looked at, in seconds: a save shows within this.
POLL_SECONDS = 0.25


def load_preview(path: Path) -> tuple[Course, Lesson | BrokenLesson]:
    """The course of the file's folder, and the file in it: a Lesson, or a BrokenLesson."""
    course = load_course(path.parent)
    for lesson in course.lessons:
        if lesson.path == path:
            return course, lesson
    for broken in course.broken:
        if broken.path == path:
            return course, broken
    # not a lesson file by its name (notes.md is one; README.md, x.txt are not): read it alone
    course = load_course(path.parent, files=[path])
    return course, (course.lessons or course.broken)[0]


def signature(path: Path) -> tuple[int, int] | None:
    """What changes when the file is saved; None while it does not exist (mid-save)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class PreviewApp(TutorApp):
    """The tutor with one lesson file open, reloaded whenever it changes."""

    # Textual reads a relative CSS_PATH beside the module of the class that sets it
    CSS_PATH = str(Path(tutor.ui.app.__file__).parent / str(TutorApp.CSS_PATH))

    def __init__(self, settings: Settings, path: Path, *, start_kernel: bool = True) -> None:
        self.path = path
        course, self.shown = load_preview(path)
        super().__init__(settings, [course], start_kernel=start_kernel)
        self.seen = signature(path)
        self.step_shown = 0

    def start_session(self) -> None:
        super().start_session()  # the home screen stays underneath: esc leads to the course
        self.push_screen(self.preview_screen())
        self.set_interval(POLL_SECONDS, self.poll)

    def preview_screen(self) -> Screen[None]:
        if isinstance(self.shown, Lesson):
            return self.lesson_screen(self.shown, self.step_shown)
        return PreviewErrors(str(self.path), self.shown.errors, self.lang)

    def poll(self) -> None:
        now = signature(self.path)
        if now is None or now == self.seen:
            return
        if not self.showing_preview():
            return  # help or a dialog is open: reload when the learner is back
        self.seen = now
        from tutor.ui.screens.lesson import LessonScreen

        if isinstance(self.screen, LessonScreen):
            self.step_shown = self.screen.step
        course, self.shown = load_preview(self.path)
        self.courses = [course]
        self.switch_screen(self.preview_screen())
        if isinstance(self.shown, Lesson):
            self.notify(t("preview.reloaded", self.lang, name=self.path.name), timeout=2)

    def showing_preview(self) -> bool:
        from tutor.ui.screens.lesson import LessonScreen

        return isinstance(self.screen, (LessonScreen, PreviewErrors))


def run_preview(path: Path, settings: Settings, err: TextIO) -> int:
    """Open the preview; 2 if `path` is not a file."""
    if not path.is_file():
        err.write(t("preview.not_a_file", settings.lang, path=path) + "\n")
        return 2
    with tempfile.TemporaryDirectory(prefix="tutor-preview-") as data_dir:
        app = PreviewApp(replace(settings, data_dir=Path(data_dir)), path.resolve())
        app.run()
        return app.return_code or 0


__all__ = ["PreviewApp", "load_preview", "run_preview"]
