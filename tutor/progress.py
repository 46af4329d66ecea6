"""The learner's progress: one JSON file, and their code as plain .py files beside it.

Layout of the data dir:

    progress.json                     steps reached, quiz attempts, exercise records, parameters
    cells/<lesson key>/<n>.py         the learner's edited copy of run cell "<lesson id>:<n>"
    exercises/[<course>/]<exercise id>.py   the learner's code for an exercise
    progress.corrupt-<UTC time>.json  a progress file that could not be read, kept aside

ProgressStore is the one entry point: it keeps progress.json and passes the code files on to the
LearnerCode it owns. Every method addresses a lesson by its key (`Lesson.key`): the lesson id in the
built-in course, "<course>/<lesson id>" in any other, so two courses that both have a lesson `bs`
keep two records. Progress files written before courses were told apart stay valid as they are
(the built-in course's keys did not change); `migrate_lesson` moves another course's old records.

Reads of the learner's code (`load_cell`, `load_exercise`) tell "nothing saved" (None) from "saved
but unreadable" (ProgressError), so a front end never offers the original code over the learner's.

Where the rest lives:

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
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

import platformdirs

from tutor.files import (
    ProgressError,
    atomic_write,
    make_private,
    move_aside,
    reason,
    remove,
    remove_stale_temps,
)
from tutor.learner_code import CELLS_DIR, EXERCISES_DIR, LearnerCode, key_parts
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
    return datetime.now(UTC)


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
        if self.data_dir.is_dir():  # a new learner's is made, private, at the first save
            try:
                make_private(self.data_dir)  # 0700 and 0600 on a shared server (tutor/files.py)
            except OSError:
                pass  # a read-only home: reading may still work; saving says why not
        remove_stale_temps(self.data_dir)  # left by a session killed mid-write (tutor/files.py)
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
        self._data["active_at"] = self._stamp()  # "last active" in tutor report
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

    def set_step(self, lesson_key: str, step: int) -> None:
        """The learner is on `step` (0-based) of `lesson_key`; also where "continue" resumes."""
        check_step(step)
        lesson = self._lesson(lesson_key)
        lesson["step"] = step
        lesson["max_step"] = max(lesson["max_step"], step)
        self._data["last"] = {"lesson_id": lesson_key, "step": step}
        self.save()

    def step_of(self, lesson_key: str) -> int:
        """The step the learner was last on in this lesson (0 if never opened)."""
        return self._peek(lesson_key).get("step", 0)

    def max_step_of(self, lesson_key: str) -> int:
        """The furthest step ever reached in this lesson (0 if never opened)."""
        return self._peek(lesson_key).get("max_step", 0)

    def last(self) -> tuple[str, int] | None:
        """(lesson key, step) where the learner left off, or None for a new learner."""
        self._ensure_loaded()
        last = self._data["last"]
        return None if last is None else (last["lesson_id"], last["step"])

    # ---- quizzes ------------------------------------------------------------------------------

    def record_quiz(self, lesson_key: str, quiz_id: str, answer: Any, correct: bool) -> None:
        """Append one attempt (the answer as given: chosen indices, or the typed text)."""
        try:
            json.dumps(answer, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise ValueError(f"a quiz answer must be plain JSON data, got {answer!r}") from e
        check_key(quiz_id, "quiz id")
        attempt = {"answer": answer, "correct": bool(correct), "at": self._stamp()}
        self._lesson(lesson_key)["quizzes"].setdefault(quiz_id, []).append(attempt)
        self.save()

    def quiz_attempts(self, lesson_key: str, quiz_id: str) -> list[QuizAttempt]:
        """Every attempt at this quiz, oldest first."""
        attempts = self._peek(lesson_key).get("quizzes", {}).get(quiz_id, [])
        return [
            QuizAttempt(answer=copy.deepcopy(a["answer"]), correct=a["correct"], at=a["at"])
            for a in attempts
        ]

    def quiz_solved(self, lesson_key: str, quiz_id: str) -> bool:
        return any(a["correct"] for a in self.quiz_attempts(lesson_key, quiz_id))

    # ---- exercises ----------------------------------------------------------------------------

    def record_check(
        self, lesson_key: str, exercise_id: str, passed: bool, diagnosis: str = ""
    ) -> None:
        """One check of the learner's code ran; the first pass keeps its time for good.

        `diagnosis` is the check's one-line verdict on a failing attempt (what `tutor report`
        counts to show the class's most frequent mistake); it is counted, not kept in full.
        """
        record = self._exercise(lesson_key, exercise_id)
        record["attempts"] += 1
        record["passed"] = bool(passed)
        if diagnosis and not passed:
            counts = record.setdefault("diagnoses", {})
            counts[diagnosis] = counts.get(diagnosis, 0) + 1
        if passed and record["first_pass"] is None:
            record["first_pass"] = self._stamp()
        self.save()

    def record_hint(self, lesson_key: str, exercise_id: str) -> int:
        """The learner revealed one more hint; return how many they have now seen."""
        record = self._exercise(lesson_key, exercise_id)
        record["hints_used"] += 1
        self.save()
        return record["hints_used"]

    def hints_used(self, lesson_key: str, exercise_id: str) -> int:
        return self.exercise_state(lesson_key, exercise_id).hints_used

    def exercise_state(self, lesson_key: str, exercise_id: str) -> ExerciseState:
        record = self._peek(lesson_key).get("exercises", {}).get(exercise_id)
        if record is None:
            return ExerciseState(0, 0, None, False)
        return ExerciseState(
            record["attempts"], record["hints_used"], record["first_pass"], record["passed"]
        )

    # ---- a lesson's mark on the home screen ---------------------------------------------------

    def status(
        self,
        lesson_key: str,
        total_steps: int,
        quiz_ids: Iterable[str],
        exercise_ids: Iterable[str] = (),
    ) -> str:
        """"done", "in progress" or "not started".

        Done: the last step was reached, every quiz has a correct attempt and every exercise has
        passed once. Not started: the lesson was never opened and nothing in it answered.
        """
        lesson = self._peek(lesson_key)
        if not lesson:
            return NOT_STARTED
        reached_end = lesson.get("max_step", 0) >= total_steps - 1
        quizzes_solved = all(self.quiz_solved(lesson_key, q) for q in quiz_ids)
        exercises_passed = all(
            self.exercise_state(lesson_key, e).first_pass is not None for e in exercise_ids
        )
        return DONE if reached_end and quizzes_solved and exercises_passed else IN_PROGRESS

    # ---- experiments and solutions ---------------------------------------------------------

    def save_params(self, lesson_key: str, experiment_id: str, params: dict[str, Any]) -> None:
        """The learner's edited parameters of one experiment (plain JSON data), kept for next time."""
        if not isinstance(params, dict):
            raise TypeError(f"experiment parameters must be a dict, got {params!r}")
        try:
            json.dumps(params, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise ValueError(f"experiment parameters must be plain JSON data, got {params!r}") from e
        check_key(experiment_id, "experiment id")
        self._lesson(lesson_key)["params"][experiment_id] = copy.deepcopy(params)
        self.save()

    def load_params(self, lesson_key: str, experiment_id: str) -> dict[str, Any] | None:
        """The parameters saved by save_params (a copy), or None if the learner never changed any."""
        saved = self._peek(lesson_key).get("params", {}).get(experiment_id)
        return None if saved is None else copy.deepcopy(saved)

    def record_solution_seen(self, lesson_key: str, exercise_id: str) -> None:
        """The learner revealed the exercise's solution (kept for good, reported to instructors)."""
        self._exercise(lesson_key, exercise_id)["solution_seen"] = True
        self.save()

    def solution_seen(self, lesson_key: str, exercise_id: str) -> bool:
        record = self._peek(lesson_key).get("exercises", {}).get(exercise_id, {})
        return bool(record.get("solution_seen", False))

    def learner_seed(self) -> int:
        """A random number drawn once per learner and kept: the same quiz order on every visit."""
        self._ensure_loaded()
        seed = self._data.get("learner_seed")
        if seed is None:
            seed = self._data["learner_seed"] = secrets.randbits(32)
            try:
                self.save()
            except ProgressError:
                pass  # kept for this session; the next successful save writes it
        return int(seed)

    # ---- the learner's code as .py files (see tutor.learner_code) -----------------------------

    def cell_path(self, lesson_key: str, cell_id: str) -> Path:
        """cells/<lesson key>/<n>.py for cell "<lesson id>:<n>"; ValueError for any other id."""
        return self.code.cell_path(lesson_key, cell_id)

    def exercise_path(self, lesson_key: str, exercise_id: str) -> Path:
        return self.code.exercise_path(lesson_key, exercise_id)

    def save_cell(self, lesson_key: str, cell_id: str, code: str) -> None:
        self.code.save_cell(lesson_key, cell_id, code)

    def load_cell(self, lesson_key: str, cell_id: str) -> str | None:
        """The learner's edited cell, or None if they never edited it (or reset it).

        Raises ProgressError if a saved copy exists but cannot be read: the UI must then keep the
        editor from overwriting it (a wrapper that turns the error into None loses that).
        """
        return self.code.load_cell(lesson_key, cell_id)

    def forget_cell(self, lesson_key: str, cell_id: str) -> None:
        """Back to the lesson's original: remove the learner's copy (nothing if there is none)."""
        self.code.forget_cell(lesson_key, cell_id)

    def save_exercise(self, lesson_key: str, exercise_id: str, code: str) -> None:
        self.code.save_exercise(lesson_key, exercise_id, code)

    def load_exercise(self, lesson_key: str, exercise_id: str) -> str | None:
        """The learner's code for the exercise, None if none is saved, ProgressError if unreadable."""
        return self.code.load_exercise(lesson_key, exercise_id)

    def forget_exercise(self, lesson_key: str, exercise_id: str) -> None:
        self.code.forget_exercise(lesson_key, exercise_id)

    # ---- migrating records saved before lessons were keyed by course --------------------------

    def migrate_lessons(self, moves: Iterable[tuple[str, str, list[str]]]) -> int:
        """migrate_lesson for each (old key, new key, exercise ids); how many moved.

        Front ends call it once after load() with tutor.content.discover.legacy_keys(courses).
        """
        return sum(self.migrate_lesson(old, new, exercises) for old, new, exercises in moves)

    def migrate_lesson(self, old_key: str, new_key: str, exercise_ids: list[str]) -> bool:
        """Move what was saved under `old_key` (a bare lesson id) to `new_key`; True if it moved.

        Nothing moves if there is already something under new_key, so running it twice, or after
        the learner has used the new key, loses nothing. See tutor.content.discover.legacy_keys
        for which lessons need it.
        """
        self._ensure_loaded()
        lessons = self._data["lessons"]
        if old_key == new_key or old_key not in lessons or new_key in lessons:
            return False
        lessons[new_key] = lessons.pop(old_key)
        last = self._data["last"]
        if last is not None and last["lesson_id"] == old_key:
            last["lesson_id"] = new_key
        self.save()
        try:
            self.code.move_lesson(old_key, new_key, exercise_ids)
        except OSError as e:
            message = f"Could not move your code for {new_key} in {self.data_dir} ({reason(e)})."
            raise ProgressError(message, self.data_dir) from e
        return True

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
        return self._now().astimezone(UTC).isoformat(timespec="seconds")

    def _peek(self, lesson_key: str) -> dict[str, Any]:
        self._ensure_loaded()
        return self._data["lessons"].get(lesson_key, {})

    def _lesson(self, lesson_key: str) -> dict[str, Any]:
        self._ensure_loaded()
        key_parts(lesson_key)  # a key that can also name its code files
        lesson = self._data["lessons"].setdefault(lesson_key, {})
        lesson.setdefault("step", 0)
        lesson.setdefault("max_step", 0)
        lesson.setdefault("quizzes", {})
        lesson.setdefault("exercises", {})
        lesson.setdefault("params", {})
        return lesson

    def _exercise(self, lesson_key: str, exercise_id: str) -> dict[str, Any]:
        check_key(exercise_id, "exercise id")
        exercises = self._lesson(lesson_key)["exercises"]
        return exercises.setdefault(
            exercise_id, {"attempts": 0, "hints_used": 0, "first_pass": None, "passed": False}
        )
