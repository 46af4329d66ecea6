"""The learner's code as plain .py files in the data dir, so they can open them in any editor.

    cells/<lesson key>/<n>.py         the learner's edited copy of run cell "<lesson id>:<n>"
    exercises/[<course>/]<exercise id>.py   the learner's code for an exercise

A lesson key is the lesson id in the built-in course and "<course>/<lesson id>" in any other
(tutor.content.model.Lesson.key), so each part of the key becomes one folder: two courses with a
lesson `bs` or an exercise `sgd` never share a file, and the built-in course's files keep the
places they had before courses were told apart.

ProgressStore owns one LearnerCode and passes its methods on; writes are atomic (tutor.files).
No torch and no textual here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tutor.files import ProgressError, atomic_write, reason, remove

CELLS_DIR = "cells"
EXERCISES_DIR = "exercises"

# Ids become file and folder names: only these characters, so no id can name "..", a slash or an
# absolute path and reach outside the data dir. Lesson ids are [a-z0-9][a-z0-9-]* by the lesson
# format, so this rejects nothing a valid course uses.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
_CELL_NUMBER = re.compile(r"[0-9]{1,6}")


class LearnerCode:
    """The learner's edited cells and exercise code under `data_dir`."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)

    def cell_path(self, lesson_key: str, cell_id: str) -> Path:
        """cells/<lesson key>/<n>.py for run cell "<lesson id>:<n>" of that lesson.

        ValueError for a cell id of another form, or of another lesson than the key's.
        """
        lesson_id, sep, number = cell_id.rpartition(":")
        if not sep or not _CELL_NUMBER.fullmatch(number):
            raise ValueError(f"not a cell id (expected '<lesson id>:<n>'): {cell_id!r}")
        parts = key_parts(lesson_key)
        if lesson_id != parts[-1]:
            raise ValueError(f"cell {cell_id!r} is not a cell of lesson {lesson_key!r}")
        return self.data_dir.joinpath(CELLS_DIR, *parts, f"{int(number)}.py")

    def exercise_path(self, lesson_key: str, exercise_id: str) -> Path:
        """exercises/<exercise id>.py, under a folder named for the course outside the built-in."""
        course = key_parts(lesson_key)[:-1]
        return self.data_dir.joinpath(EXERCISES_DIR, *course, f"{safe_id(exercise_id)}.py")

    def save_cell(self, lesson_key: str, cell_id: str, code: str) -> None:
        _write_code(self.cell_path(lesson_key, cell_id), code)

    def load_cell(self, lesson_key: str, cell_id: str) -> str | None:
        """The learner's edited cell; None if they never edited it (or reset it).

        A file that exists but cannot be read raises ProgressError, never None: the caller must
        not offer the lesson's code as if nothing had been saved, or the next keystroke would
        overwrite the learner's work.
        """
        return _read_code(self.cell_path(lesson_key, cell_id))

    def forget_cell(self, lesson_key: str, cell_id: str) -> None:
        """Back to the lesson's original: remove the learner's copy (nothing if there is none)."""
        path = self.cell_path(lesson_key, cell_id)
        remove(path)
        try:
            path.parent.rmdir()  # tidy up the lesson's folder once its last cell is gone
        except OSError:
            pass

    def save_exercise(self, lesson_key: str, exercise_id: str, code: str) -> None:
        _write_code(self.exercise_path(lesson_key, exercise_id), code)

    def load_exercise(self, lesson_key: str, exercise_id: str) -> str | None:
        """The learner's code for the exercise; None if none is saved; ProgressError if unreadable."""
        return _read_code(self.exercise_path(lesson_key, exercise_id))

    def forget_exercise(self, lesson_key: str, exercise_id: str) -> None:
        remove(self.exercise_path(lesson_key, exercise_id))

    def move_lesson(self, old_key: str, new_key: str, exercise_ids: list[str]) -> None:
        """Move a lesson's cells and exercise files from old_key's places to new_key's.

        Used once, to migrate files saved before lessons were keyed by course; a file already at
        the new place wins and the old one stays where it is.
        """
        old_cells = self.data_dir.joinpath(CELLS_DIR, *key_parts(old_key))
        new_cells = self.data_dir.joinpath(CELLS_DIR, *key_parts(new_key))
        if old_cells.is_dir() and not old_cells.is_symlink() and not new_cells.exists():
            new_cells.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            old_cells.rename(new_cells)
        for exercise_id in exercise_ids:
            old = self.exercise_path(old_key, exercise_id)
            new = self.exercise_path(new_key, exercise_id)
            if old.is_file() and not new.exists():
                new.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                old.rename(new)

    def has_data(self) -> bool:
        """True if any cell or exercise code is saved (or its folder exists)."""
        return any((self.data_dir / name).exists() for name in (CELLS_DIR, EXERCISES_DIR))

    def delete_all(self) -> None:
        """Delete cells/ and exercises/; raise OSError if that fails part way."""
        for name in (CELLS_DIR, EXERCISES_DIR):
            tree = self.data_dir / name
            if tree.is_symlink() or tree.is_file():
                tree.unlink()  # never follow a link out of the data dir
            elif tree.exists():
                shutil.rmtree(tree)


def safe_id(value: str) -> str:
    """`value` if it can be used as a file name in the data dir, else ValueError."""
    if not isinstance(value, str) or not _SAFE_ID.fullmatch(value):
        raise ValueError(
            f"unsafe id {value!r}: ids used as file names are letters, digits, '-' and '_'"
        )
    return value


def key_parts(lesson_key: str) -> list[str]:
    """A lesson key's parts, each safe as a file name: "data" -> [data], "mine/bs" -> [mine, bs]."""
    if not isinstance(lesson_key, str):
        raise TypeError(f"not a lesson key: {lesson_key!r}")
    parts = lesson_key.split("/")
    if len(parts) > 2:
        raise ValueError(f"not a lesson key (expected '<id>' or '<course>/<id>'): {lesson_key!r}")
    return [safe_id(part) for part in parts]


def _write_code(path: Path, code: str) -> None:
    # Called as the learner types: the UI should debounce (every fsync costs a few ms).
    try:
        atomic_write(path, code.encode("utf-8"))
    except OSError as e:
        raise ProgressError(
            f"Could not save your code to {path} ({reason(e)}). It is still in the editor.",
            path,
        ) from e


def _read_code(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise ProgressError(f"Could not read your code from {path} ({reason(e)}).", path) from e
    # The learner may have edited the file in another editor: show it even if not UTF-8.
    return raw.decode("utf-8", errors="replace")
