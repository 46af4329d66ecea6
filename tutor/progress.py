"""The learner's progress: one JSON file, and their code as plain .py files beside it.

Layout of the data dir:

    progress.json                     steps reached, quiz attempts, exercise records
    cells/<lesson id>/<n>.py          the learner's edited copy of run cell "<lesson id>:<n>"
    exercises/<exercise id>.py        the learner's code for an exercise
    progress.corrupt-<UTC time>.json  a progress file that could not be read, kept aside

ProgressStore is the one entry point: it keeps progress.json and passes the code files on to the
LearnerCode it owns. Where the rest lives:

    tutor/progress_format.py  what progress.json holds, and checking it when read
    tutor/learner_code.py     the .py files (ids checked before they become file names)
    tutor/files.py            atomic writes, moving a file aside, ProgressError
    tutor/reset.py            `tutor reset` (run_reset)

Every write is atomic, so a crash, a full disk or a dropped SSH connection leaves either the old
file or the new one, never half of one. A progress file that cannot be read is moved aside under a
new name and reported; it is never overwritten or deleted, because it is the learner's work.

No torch and no textual here: the app, the CLI (`tutor reset`) and the tests all use this module.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, TypedDict

import platformdirs

from tutor.files import ProgressError, atomic_write, move_aside, reason, remove
from tutor.learner_code import CELLS_DIR, EXERCISES_DIR, LearnerCode
from tutor.progress_format import FORMAT_VERSION, check_key, check_step, empty, parse

__all__ = [
    "CELLS_DIR",
    "CORRUPT_PREFIX",
    "DONE",
    "EXERCISES_DIR",
    "FORMAT_VERSION",
    "IN_PROGRESS",
    "NOT_STARTED",
    "PROGRESS_FILE",
    "ExerciseState",
    "LearnerCode",
    "ProgressError",
    "ProgressStore",
    "QuizAttempt",
    "default_data_dir",
]

PROGRESS_FILE = "progress.json"
CORRUPT_PREFIX = "progress.corrupt-"

DONE = "done"
IN_PROGRESS = "in progress"
NOT_STARTED = "not started"


def default_data_dir() -> Path:
    """$TUTOR_DATA_DIR if set, else the platform's user data dir (~/.local/share/tutor on Linux)."""
    env = os.environ.get("TUTOR_DATA_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    # appauthor=False: on Windows the folder would otherwise be tutor\tutor.
    return platformdirs.user_data_path("tutor", appauthor=False)


class QuizAttempt(TypedDict):
    """One stored attempt, as in progress.json (quiz_attempts returns copies)."""

    answer: Any  # choice: list of chosen indices; number and text: the typed text
    correct: bool
    at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class ExerciseState:
    attempts: int  # checks run
    hints_used: int
    first_pass: str | None  # ISO 8601 UTC time of the first passing check, None if never passed
    passed: bool  # the result of the latest check


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ProgressStore:
    """Progress of one learner in `data_dir`.

    Call load() once at start and show its warning if it returns one. Every method that changes
    progress saves at once (a learner acts a few times a minute; the file is small). If saving
    fails, the method raises ProgressError after updating the in-memory state, so the session goes
    on and the next successful save writes everything.
    """

    def __init__(self, data_dir: Path, *, now: Callable[[], datetime] = _utc_now):
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / PROGRESS_FILE
        self.code = LearnerCode(self.data_dir)
        # the corrupt file's new name after load() moved it aside, for the UI
        self.kept_aside: Path | None = None
        self.warning: str | None = None
        self._now = now
        self._data: dict[str, Any] = empty()
        self._loaded = False
        # Set when progress.json exists but could not be read or moved aside: saving would
        # overwrite it, so saving is refused with this reason instead.
        self._blocked: str | None = None

    # ---- loading and saving -------------------------------------------------------------------

    def load(self) -> str | None:
        """Read progress.json; return a warning for the learner if it could not be used, else None.

        A missing file is a new learner, not an error. A file that is not UTF-8, not JSON, not the
        expected shape, or from an unknown (newer) format version is moved aside to
        progress.corrupt-<UTC time>.json, byte for byte, and the store starts empty.
        """
        self._loaded = True
        self._data = empty()
        self._blocked = None
        self.kept_aside = None
        self.warning = None
        try:
            raw = self.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            # NotADirectoryError: a parent is a file, so there is no progress file to protect;
            # saving will then fail with a clear ProgressError.
            return None
        except OSError as e:
            self._blocked = f"{self.path} exists but could not be read ({reason(e)})"
            self.warning = (
                f"Your progress file {self.path} could not be read ({reason(e)}). "
                "The tutor has started with empty progress and will not save, so that the file "
                "is not overwritten; fix its permissions and restart the tutor."
            )
            return self.warning
        data, problem = parse(raw)
        if data is not None:
            self._data = data
            return None
        try:
            self.kept_aside = move_aside(self.path, self._now(), CORRUPT_PREFIX)
        except OSError as e:
            self._blocked = (
                f"{self.path} could not be used ({problem}) nor moved aside ({reason(e)})"
            )
            self.warning = (
                f"Your progress file {self.path} could not be used: {problem}. It could not be "
                f"moved aside either ({reason(e)}), so it is left as it is and the tutor will not "
                "save progress in this session. It has started with empty progress."
            )
            return self.warning
        self.warning = (
            f"Your progress file {self.path} could not be used: {problem}. It has been kept, "
            f"unchanged, as {self.kept_aside}, and the tutor has started with empty progress."
        )
        return self.warning

    def save(self) -> None:
        """Write progress.json atomically; raise ProgressError (state kept in memory) on failure."""
        self._ensure_loaded()
        if self._blocked is not None:
            raise ProgressError(f"Progress is not saved: {self._blocked}.", self.path)
        text = json.dumps(self._data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
        try:
            atomic_write(self.path, text.encode("utf-8"))
        except OSError as e:
            raise ProgressError(
                f"Could not save your progress to {self.path} ({reason(e)}). What you did is kept "
                "while the tutor runs and will be saved by your next action once this is fixed "
                "(free some disk space or make the folder writable).",
                self.path,
            ) from e

    def _ensure_loaded(self) -> None:
        # Saving before loading would overwrite the learner's file with an empty store.
        if not self._loaded:
            self.load()

    # ---- steps --------------------------------------------------------------------------------

    def set_step(self, lesson_id: str, step: int) -> None:
        """The learner is on `step` (0-based) of `lesson_id`; also where "continue" resumes."""
        check_step(step)
        lesson = self._lesson(lesson_id)
        lesson["step"] = step
        lesson["max_step"] = max(lesson["max_step"], step)
        self._data["last"] = {"lesson_id": lesson_id, "step": step}
        self.save()

    def step_of(self, lesson_id: str) -> int:
        """The step the learner was last on in this lesson (0 if never opened)."""
        return self._peek(lesson_id).get("step", 0)

    def max_step_of(self, lesson_id: str) -> int:
        """The furthest step ever reached in this lesson (0 if never opened)."""
        return self._peek(lesson_id).get("max_step", 0)

    def last(self) -> tuple[str, int] | None:
        """(lesson id, step) where the learner left off, or None for a new learner."""
        self._ensure_loaded()
        last = self._data["last"]
        return None if last is None else (last["lesson_id"], last["step"])

    # ---- quizzes ------------------------------------------------------------------------------

    def record_quiz(self, lesson_id: str, quiz_id: str, answer: Any, correct: bool) -> None:
        """Append one attempt (the answer as given: chosen indices, or the typed text)."""
        try:
            json.dumps(answer, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise ValueError(f"a quiz answer must be plain JSON data, got {answer!r}") from e
        check_key(quiz_id, "quiz id")
        attempt = {"answer": answer, "correct": bool(correct), "at": self._stamp()}
        self._lesson(lesson_id)["quizzes"].setdefault(quiz_id, []).append(attempt)
        self.save()

    def quiz_attempts(self, lesson_id: str, quiz_id: str) -> list[QuizAttempt]:
        """Every attempt at this quiz, oldest first."""
        attempts = self._peek(lesson_id).get("quizzes", {}).get(quiz_id, [])
        return [
            QuizAttempt(answer=copy.deepcopy(a["answer"]), correct=a["correct"], at=a["at"])
            for a in attempts
        ]

    def quiz_solved(self, lesson_id: str, quiz_id: str) -> bool:
        return any(a["correct"] for a in self.quiz_attempts(lesson_id, quiz_id))

    # ---- exercises ----------------------------------------------------------------------------

    def record_check(self, lesson_id: str, exercise_id: str, passed: bool) -> None:
        """One check of the learner's code ran; the first pass keeps its time for good."""
        record = self._exercise(lesson_id, exercise_id)
        record["attempts"] += 1
        record["passed"] = bool(passed)
        if passed and record["first_pass"] is None:
            record["first_pass"] = self._stamp()
        self.save()

    def record_hint(self, lesson_id: str, exercise_id: str) -> int:
        """The learner revealed one more hint; return how many they have now seen."""
        record = self._exercise(lesson_id, exercise_id)
        record["hints_used"] += 1
        self.save()
        return record["hints_used"]

    def hints_used(self, lesson_id: str, exercise_id: str) -> int:
        return self.exercise_state(lesson_id, exercise_id).hints_used

    def exercise_state(self, lesson_id: str, exercise_id: str) -> ExerciseState:
        record = self._peek(lesson_id).get("exercises", {}).get(exercise_id)
        if record is None:
            return ExerciseState(0, 0, None, False)
        return ExerciseState(
            record["attempts"], record["hints_used"], record["first_pass"], record["passed"]
        )

    # ---- a lesson's mark on the home screen ---------------------------------------------------

    def status(
        self,
        lesson_id: str,
        total_steps: int,
        quiz_ids: Iterable[str],
        exercise_ids: Iterable[str] = (),
    ) -> str:
        """"done", "in progress" or "not started".

        Done: the last step was reached, every quiz has a correct attempt and every exercise has
        passed once. Not started: the lesson was never opened and nothing in it answered.
        """
        lesson = self._peek(lesson_id)
        if not lesson:
            return NOT_STARTED
        reached_end = lesson.get("max_step", 0) >= total_steps - 1
        quizzes_solved = all(self.quiz_solved(lesson_id, q) for q in quiz_ids)
        exercises_passed = all(
            self.exercise_state(lesson_id, e).first_pass is not None for e in exercise_ids
        )
        return DONE if reached_end and quizzes_solved and exercises_passed else IN_PROGRESS

    # ---- the learner's code as .py files (see tutor.learner_code) -----------------------------

    def cell_path(self, cell_id: str) -> Path:
        """cells/<lesson id>/<n>.py for cell id "<lesson id>:<n>"; ValueError for any other id."""
        return self.code.cell_path(cell_id)

    def exercise_path(self, exercise_id: str) -> Path:
        return self.code.exercise_path(exercise_id)

    def save_cell(self, cell_id: str, code: str) -> None:
        self.code.save_cell(cell_id, code)

    def load_cell(self, cell_id: str) -> str | None:
        """The learner's edited cell, or None if they never edited it (or reset it)."""
        return self.code.load_cell(cell_id)

    def forget_cell(self, cell_id: str) -> None:
        """Back to the lesson's original: remove the learner's copy (nothing if there is none)."""
        self.code.forget_cell(cell_id)

    def save_exercise(self, exercise_id: str, code: str) -> None:
        self.code.save_exercise(exercise_id, code)

    def load_exercise(self, exercise_id: str) -> str | None:
        return self.code.load_exercise(exercise_id)

    def forget_exercise(self, exercise_id: str) -> None:
        self.code.forget_exercise(exercise_id)

    # ---- reset --------------------------------------------------------------------------------

    def has_data(self) -> bool:
        """True if there is progress or saved code to reset (kept-aside files do not count)."""
        return self.path.exists() or self.code.has_data()

    def kept_aside_files(self) -> list[Path]:
        """Earlier progress files that could not be read and were moved aside."""
        if not self.data_dir.is_dir():
            return []
        return sorted(self.data_dir.glob(f"{CORRUPT_PREFIX}*.json"))

    def reset(self) -> None:
        """Delete progress.json, cells/ and exercises/ and start empty.

        Only those: the kept-aside progress.corrupt-*.json files stay, because they may hold the
        learner's earlier work and were never read into this store; the learner deletes them
        if they want to. Anything else in the data dir is left alone too.
        """
        try:
            remove(self.path)
            self.code.delete_all()
        except OSError as e:
            message = f"Could not delete progress in {self.data_dir} ({reason(e)})."
            raise ProgressError(message, self.data_dir) from e
        self._data = empty()
        self._loaded = True
        self._blocked = None

    # ---- internals ----------------------------------------------------------------------------

    def _stamp(self) -> str:
        return self._now().astimezone(timezone.utc).isoformat(timespec="seconds")

    def _peek(self, lesson_id: str) -> dict[str, Any]:
        self._ensure_loaded()
        return self._data["lessons"].get(lesson_id, {})

    def _lesson(self, lesson_id: str) -> dict[str, Any]:
        self._ensure_loaded()
        check_key(lesson_id, "lesson id")
        lesson = self._data["lessons"].setdefault(lesson_id, {})
        lesson.setdefault("step", 0)
        lesson.setdefault("max_step", 0)
        lesson.setdefault("quizzes", {})
        lesson.setdefault("exercises", {})
        return lesson

    def _exercise(self, lesson_id: str, exercise_id: str) -> dict[str, Any]:
        check_key(exercise_id, "exercise id")
        exercises = self._lesson(lesson_id)["exercises"]
        return exercises.setdefault(
            exercise_id, {"attempts": 0, "hints_used": 0, "first_pass": None, "passed": False}
        )
