"""What the lesson screen gives every block it builds: a `LessonContext`.

Attributes down: a block (code cell, experiment, exercise, quiz) is constructed as
`Block(model, context)` and finds everything it needs here, never in `self.app`:

    context.lesson      the Lesson the block is in
    context.host        the KernelHost: execute / experiment / check, each an async iterator of events
    context.progress    this lesson's progress (a LessonProgress, filed under lesson.key)
    context.lang        the language the screen was opened in ("en" or "zh")
    context.settings    the tutor's Settings (cursor_blink, no_color, in_browser, editor, ...)
    context.namespace   the kernel namespace of this lesson's code cells
    context.elapsed(s)  a duration as the learner reads it ("–" in snapshot tests)

Progress, typed and explicit. Reads of the learner's saved code return the text, None (nothing
saved: show the lesson's code) or `Unreadable` (a file exists but could not be read: show the
lesson's code read-only and say so). Writes return True when saved; a failed write is reported to
the learner by the screen and returns False, and the in-memory state stays, so the next write may
succeed. A cell or exercise whose saved file could not be read is never written in this session,
whatever the block does: its file is the learner's work. A block that needs a progress call not
here adds a method here mirroring the store's, by a small edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tutor.content.model import Lesson
from tutor.files import ProgressError
from tutor.i18n import t
from tutor.progress import ExerciseState, ProgressStore, QuizAttempt
from tutor.settings import Settings
from tutor.ui.kernel_host import KernelHost

T = TypeVar("T")


@dataclass(frozen=True)
class Unreadable:
    """The learner's saved code exists but could not be read."""

    error: str  # plain words, for the learner
    path: Path | None  # where the file is, so they can rescue it


Loaded = str | None | Unreadable


class LessonProgress:
    """One lesson's progress, as its blocks read and write it."""

    def __init__(self, store: ProgressStore, lesson: Lesson, report: Callable[[str], None]) -> None:
        self._store = store
        self.key = lesson.key
        self._report = report
        self._unreadable: set[tuple[str, str]] = set()

    def _write(self, write: Callable[[], object]) -> bool:
        try:
            write()
        except ProgressError as error:
            self._report(str(error))
            return False
        return True

    def _read(self, kind: str, ident: str, read: Callable[[], str | None]) -> Loaded:
        try:
            return read()
        except ProgressError as error:
            self._unreadable.add((kind, ident))
            return Unreadable(str(error), error.path)

    def _writable(self, kind: str, ident: str) -> bool:
        return (kind, ident) not in self._unreadable

    # -- steps ------------------------------------------------------------------------------

    def set_step(self, step: int) -> bool:
        return self._write(lambda: self._store.set_step(self.key, step))

    # -- code cells -------------------------------------------------------------------------

    def load_cell(self, cell_id: str) -> Loaded:
        return self._read("cell", cell_id, lambda: self._store.load_cell(self.key, cell_id))

    def save_cell(self, cell_id: str, code: str) -> bool:
        if not self._writable("cell", cell_id):
            return False
        return self._write(lambda: self._store.save_cell(self.key, cell_id, code))

    def forget_cell(self, cell_id: str) -> bool:
        if not self._writable("cell", cell_id):
            return False
        return self._write(lambda: self._store.forget_cell(self.key, cell_id))

    # -- exercises --------------------------------------------------------------------------

    def load_exercise(self, exercise_id: str) -> Loaded:
        return self._read("exercise", exercise_id, lambda: self._store.load_exercise(self.key, exercise_id))

    def save_exercise(self, exercise_id: str, code: str) -> bool:
        if not self._writable("exercise", exercise_id):
            return False
        return self._write(lambda: self._store.save_exercise(self.key, exercise_id, code))

    def exercise_state(self, exercise_id: str) -> ExerciseState:
        return self._store.exercise_state(self.key, exercise_id)

    def hints_used(self, exercise_id: str) -> int:
        return self._store.hints_used(self.key, exercise_id)

    def record_hint(self, exercise_id: str) -> bool:
        return self._write(lambda: self._store.record_hint(self.key, exercise_id))

    def record_check(self, exercise_id: str, passed: bool, diagnosis: str = "") -> bool:
        return self._write(lambda: self._store.record_check(self.key, exercise_id, passed, diagnosis))

    def record_solution_seen(self, exercise_id: str) -> bool:
        return self._write(lambda: self._store.record_solution_seen(self.key, exercise_id))

    def solution_seen(self, exercise_id: str) -> bool:
        return self._store.solution_seen(self.key, exercise_id)

    # -- quizzes ----------------------------------------------------------------------------

    def quiz_attempts(self, quiz_id: str) -> list[QuizAttempt]:
        return self._store.quiz_attempts(self.key, quiz_id)

    def record_quiz(self, quiz_id: str, answer: Any, correct: bool) -> bool:
        return self._write(lambda: self._store.record_quiz(self.key, quiz_id, answer, correct))

    def learner_seed(self) -> int:
        """A number fixed per learner (stable quiz option order)."""
        return self._store.learner_seed()

    # -- experiments ------------------------------------------------------------------------

    def save_params(self, experiment_id: str, params: dict[str, Any]) -> bool:
        return self._write(lambda: self._store.save_params(self.key, experiment_id, params))

    def load_params(self, experiment_id: str) -> dict[str, Any] | None:
        return self._store.load_params(self.key, experiment_id)


@dataclass(frozen=True)
class LessonContext:
    """Everything a block of one lesson needs, built once per lesson screen."""

    lesson: Lesson
    host: KernelHost
    progress: LessonProgress
    lang: str
    settings: Settings

    @property
    def namespace(self) -> str:
        return self.lesson.key

    def elapsed(self, seconds: float) -> str:
        return "–" if self.settings.stable_clock else t("seconds", self.lang, s=seconds)
