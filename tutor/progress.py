"""The learner's progress: one JSON file, and their code as plain .py files beside it.

Layout of the data dir:

    progress.json                     steps reached, quiz attempts, exercise records
    cells/<lesson id>/<n>.py          the learner's edited copy of run cell "<lesson id>:<n>"
    exercises/<exercise id>.py        the learner's code for an exercise
    progress.corrupt-<UTC time>.json  a progress file that could not be read, kept aside

Every write is atomic (temp file in the same folder, fsync, os.replace, fsync of the folder), so a
crash, a full disk or a dropped SSH connection leaves either the old file or the new one, never half
of one. A progress file that cannot be read is moved aside under a new name and reported; it is
never overwritten or deleted, because it is the learner's work.

No torch and no textual here: the app, the CLI (`tutor reset`) and the tests all use this module.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, TextIO, TypedDict

import platformdirs

FORMAT_VERSION = 1
PROGRESS_FILE = "progress.json"
CELLS_DIR = "cells"
EXERCISES_DIR = "exercises"
CORRUPT_PREFIX = "progress.corrupt-"

# Ids become file and folder names: only these characters, so no id can name "..", a slash or an
# absolute path and reach outside the data dir. Lesson ids are [a-z0-9][a-z0-9-]* by the lesson
# format, so this rejects nothing a valid course uses.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
_CELL_NUMBER = re.compile(r"[0-9]{1,6}")

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


class ProgressError(Exception):
    """Progress or code could not be saved (or read); the message is plain words for the learner."""

    def __init__(self, message: str, path: Path | None = None):
        super().__init__(message)
        self.path = path


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


def _empty() -> dict[str, Any]:
    return {"version": FORMAT_VERSION, "last": None, "lessons": {}}


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
        # the corrupt file's new name after load() moved it aside, for the UI
        self.kept_aside: Path | None = None
        self.warning: str | None = None
        self._now = now
        self._data: dict[str, Any] = _empty()
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
        self._data = _empty()
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
            self._blocked = f"{self.path} exists but could not be read ({_reason(e)})"
            self.warning = (
                f"Your progress file {self.path} could not be read ({_reason(e)}). "
                "The tutor has started with empty progress and will not save, so that the file "
                "is not overwritten; fix its permissions and restart the tutor."
            )
            return self.warning
        data, problem = _parse(raw)
        if data is not None:
            self._data = data
            return None
        try:
            self.kept_aside = _move_aside(self.path, self._now())
        except OSError as e:
            self._blocked = (
                f"{self.path} could not be used ({problem}) nor moved aside ({_reason(e)})"
            )
            self.warning = (
                f"Your progress file {self.path} could not be used: {problem}. It could not be "
                f"moved aside either ({_reason(e)}), so it is left as it is and the tutor will not "
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
            _atomic_write(self.path, text.encode("utf-8"))
        except OSError as e:
            raise ProgressError(
                f"Could not save your progress to {self.path} ({_reason(e)}). What you did is kept "
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
        _check_step(step)
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
        _check_key(quiz_id, "quiz id")
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

    # ---- the learner's code as .py files -------------------------------------------------------

    def cell_path(self, cell_id: str) -> Path:
        """cells/<lesson id>/<n>.py for cell id "<lesson id>:<n>"; ValueError for any other id."""
        lesson_id, sep, number = cell_id.rpartition(":")
        if not sep or not _CELL_NUMBER.fullmatch(number):
            raise ValueError(f"not a cell id (expected '<lesson id>:<n>'): {cell_id!r}")
        return self.data_dir / CELLS_DIR / _safe_id(lesson_id) / f"{int(number)}.py"

    def exercise_path(self, exercise_id: str) -> Path:
        return self.data_dir / EXERCISES_DIR / f"{_safe_id(exercise_id)}.py"

    def save_cell(self, cell_id: str, code: str) -> None:
        self._write_code(self.cell_path(cell_id), code)

    def load_cell(self, cell_id: str) -> str | None:
        """The learner's edited cell, or None if they never edited it (or reset it)."""
        return _read_code(self.cell_path(cell_id))

    def forget_cell(self, cell_id: str) -> None:
        """Back to the lesson's original: remove the learner's copy (nothing if there is none)."""
        path = self.cell_path(cell_id)
        _remove(path)
        try:
            path.parent.rmdir()  # tidy up the lesson's folder once its last cell is gone
        except OSError:
            pass

    def save_exercise(self, exercise_id: str, code: str) -> None:
        self._write_code(self.exercise_path(exercise_id), code)

    def load_exercise(self, exercise_id: str) -> str | None:
        return _read_code(self.exercise_path(exercise_id))

    def forget_exercise(self, exercise_id: str) -> None:
        _remove(self.exercise_path(exercise_id))

    def _write_code(self, path: Path, code: str) -> None:
        # Called as the learner types: the UI should debounce (every fsync costs a few ms).
        try:
            _atomic_write(path, code.encode("utf-8"))
        except OSError as e:
            raise ProgressError(
                f"Could not save your code to {path} ({_reason(e)}). It is still in the editor.",
                path,
            ) from e

    # ---- reset --------------------------------------------------------------------------------

    def has_data(self) -> bool:
        """True if there is progress or saved code to reset (kept-aside files do not count)."""
        return any(
            (self.data_dir / name).exists() for name in (PROGRESS_FILE, CELLS_DIR, EXERCISES_DIR)
        )

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
            _remove(self.path)
            for name in (CELLS_DIR, EXERCISES_DIR):
                tree = self.data_dir / name
                if tree.is_symlink() or tree.is_file():
                    tree.unlink()  # never follow a link out of the data dir
                elif tree.exists():
                    shutil.rmtree(tree)
        except OSError as e:
            message = f"Could not delete progress in {self.data_dir} ({_reason(e)})."
            raise ProgressError(message, self.data_dir) from e
        self._data = _empty()
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
        _check_key(lesson_id, "lesson id")
        lesson = self._data["lessons"].setdefault(lesson_id, {})
        lesson.setdefault("step", 0)
        lesson.setdefault("max_step", 0)
        lesson.setdefault("quizzes", {})
        lesson.setdefault("exercises", {})
        return lesson

    def _exercise(self, lesson_id: str, exercise_id: str) -> dict[str, Any]:
        _check_key(exercise_id, "exercise id")
        exercises = self._lesson(lesson_id)["exercises"]
        return exercises.setdefault(
            exercise_id, {"attempts": 0, "hints_used": 0, "first_pass": None, "passed": False}
        )


# ---- reading and checking progress.json -----------------------------------------------------


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _parse(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """(progress data, "") or (None, why these bytes are not a progress file, in plain words)."""
    try:
        text = raw.decode("utf-8-sig")  # an editor may have added a BOM: harmless
    except UnicodeDecodeError:
        return None, "it is not UTF-8 text"
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        return None, f"it is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})"
    except (ValueError, RecursionError) as e:
        return None, f"it is not valid JSON ({e})"
    if not isinstance(data, dict):
        return None, "it does not hold a JSON object"
    version = data.get("version")
    if _is_int(version) and version > FORMAT_VERSION:
        return None, f"it was written by a newer version of the tutor (format version {version})"
    if not _is_int(version) or version != FORMAT_VERSION:
        return None, f"its format version is unknown ({version!r})"
    problem = _shape_problem(data)
    return (None, problem) if problem else (data, "")


def _shape_problem(data: dict[str, Any]) -> str | None:
    """Check every field the store reads, so that no later call can trip over a bad value.

    Missing fields get their defaults (setdefault); fields of the wrong type are a problem.
    """

    def bad(where: str, what: str) -> str:
        return f"its contents do not have the expected shape ({where} should be {what})"

    last = data.setdefault("last", None)
    if last is not None:
        if not isinstance(last, dict) or not isinstance(last.get("lesson_id"), str):
            return bad("last", "a lesson id and a step")
        if not _is_step(last.get("step")):
            return bad("last.step", "a whole number >= 0")
    lessons = data.setdefault("lessons", {})
    if not isinstance(lessons, dict):
        return bad("lessons", "an object")
    for lesson_id, lesson in lessons.items():
        where = f"lessons.{lesson_id}"
        if not isinstance(lesson, dict):
            return bad(where, "an object")
        for key in ("step", "max_step"):
            if not _is_step(lesson.setdefault(key, 0)):
                return bad(f"{where}.{key}", "a whole number >= 0")
        quizzes = lesson.setdefault("quizzes", {})
        if not isinstance(quizzes, dict):
            return bad(f"{where}.quizzes", "an object")
        for quiz_id, attempts in quizzes.items():
            if not isinstance(attempts, list):
                return bad(f"{where}.quizzes.{quiz_id}", "a list of attempts")
            for attempt in attempts:
                if not (
                    isinstance(attempt, dict)
                    and "answer" in attempt
                    and isinstance(attempt.get("correct"), bool)
                    and isinstance(attempt.get("at"), str)
                ):
                    return bad(f"{where}.quizzes.{quiz_id}", "attempts with answer, correct, at")
        exercises = lesson.setdefault("exercises", {})
        if not isinstance(exercises, dict):
            return bad(f"{where}.exercises", "an object")
        for exercise_id, record in exercises.items():
            ok = (
                isinstance(record, dict)
                and _is_step(record.get("attempts"))
                and _is_step(record.get("hints_used"))
                and (record.get("first_pass") is None or isinstance(record.get("first_pass"), str))
                and isinstance(record.get("passed"), bool)
            )
            if not ok:
                fields = "attempts, hints_used, first_pass, passed"
                return bad(f"{where}.exercises.{exercise_id}", fields)
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_step(value: Any) -> bool:
    return _is_int(value) and value >= 0


def _check_step(step: Any) -> None:
    if not _is_step(step):
        raise ValueError(f"a step is a whole number >= 0, got {step!r}")


def _check_key(value: Any, what: str) -> None:
    # JSON object keys are strings; json.dumps would silently turn 3 into "3".
    if not isinstance(value, str) or not value:
        raise ValueError(f"not a {what}: {value!r}")


def _safe_id(value: str) -> str:
    if not isinstance(value, str) or not _SAFE_ID.fullmatch(value):
        raise ValueError(
            f"unsafe id {value!r}: ids used as file names are letters, digits, '-' and '_'"
        )
    return value


def _reason(e: OSError) -> str:
    return e.strerror or str(e) or type(e).__name__


# ---- files --------------------------------------------------------------------------------------


def _atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash at any point leaves the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable. Best effort: some systems cannot open a folder for fsync,
    # and by now the new file is in place either way.
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _move_aside(path: Path, when: datetime) -> Path:
    """Rename `path` to progress.corrupt-<UTC time>[-n].json without ever replacing a file."""
    stamp = when.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1000):
        suffix = "" if n == 0 else f"-{n}"
        target = path.with_name(f"{CORRUPT_PREFIX}{stamp}{suffix}.json")
        try:
            # A hard link fails if the target exists, where os.rename would silently replace it.
            os.link(path, target)
        except FileExistsError:
            continue
        except OSError:
            # No hard links on this file system: copy with exclusive create, then remove.
            try:
                _copy_exclusive(path, target)
            except FileExistsError:
                continue
        os.unlink(path)
        _fsync_dir(path.parent)
        return target
    raise FileExistsError(f"too many kept-aside progress files in {path.parent}")


def _copy_exclusive(source: Path, target: Path) -> None:
    data = source.read_bytes()
    with open(target, "xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _read_code(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise ProgressError(f"Could not read your code from {path} ({_reason(e)}).", path) from e
    # The learner may have edited the file in another editor: show it even if not UTF-8.
    return raw.decode("utf-8", errors="replace")


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


# ---- `python -m tutor reset` ------------------------------------------------------------------


def run_reset(data_dir: Path, yes: bool, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """Delete all progress after a confirmation; exit 0 when done or nothing to do, 1 otherwise."""
    store = ProgressStore(data_dir)
    # Loading first moves a corrupt progress.json aside, so reset never deletes an unread file.
    warning = store.load()
    if warning:
        print(warning, file=err)
    if not store.has_data():
        print(f"Nothing to reset: there is no progress in {store.data_dir}.", file=out)
        _mention_kept_aside(store, out)
        return 0
    if not yes:
        out.write(f"Delete all progress in {store.data_dir}? [y/N] ")
        out.flush()
        answer = stdin.readline()
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.", file=out)
            return 1
    try:
        store.reset()
    except ProgressError as e:
        print(e, file=err)
        return 1
    print(f"Deleted all progress in {store.data_dir}.", file=out)
    _mention_kept_aside(store, out)
    return 0


def _mention_kept_aside(store: ProgressStore, out: TextIO) -> None:
    kept = store.kept_aside_files()
    if kept:
        print(
            f"Kept {len(kept)} earlier progress file(s) that could not be read "
            f"({', '.join(p.name for p in kept)}); delete them yourself if you do not need them.",
            file=out,
        )
