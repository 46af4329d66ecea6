"""The learner's code as plain .py files in the data dir, so they can open them in any editor.

    cells/<lesson id>/<n>.py          the learner's edited copy of run cell "<lesson id>:<n>"
    exercises/<exercise id>.py        the learner's code for an exercise

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

    def cell_path(self, cell_id: str) -> Path:
        """cells/<lesson id>/<n>.py for cell id "<lesson id>:<n>"; ValueError for any other id."""
        lesson_id, sep, number = cell_id.rpartition(":")
        if not sep or not _CELL_NUMBER.fullmatch(number):
            raise ValueError(f"not a cell id (expected '<lesson id>:<n>'): {cell_id!r}")
        return self.data_dir / CELLS_DIR / safe_id(lesson_id) / f"{int(number)}.py"

    def exercise_path(self, exercise_id: str) -> Path:
        return self.data_dir / EXERCISES_DIR / f"{safe_id(exercise_id)}.py"

    def save_cell(self, cell_id: str, code: str) -> None:
        _write_code(self.cell_path(cell_id), code)

    def load_cell(self, cell_id: str) -> str | None:
        """The learner's edited cell, or None if they never edited it (or reset it)."""
        return _read_code(self.cell_path(cell_id))

    def forget_cell(self, cell_id: str) -> None:
        """Back to the lesson's original: remove the learner's copy (nothing if there is none)."""
        path = self.cell_path(cell_id)
        remove(path)
        try:
            path.parent.rmdir()  # tidy up the lesson's folder once its last cell is gone
        except OSError:
            pass

    def save_exercise(self, exercise_id: str, code: str) -> None:
        _write_code(self.exercise_path(exercise_id), code)

    def load_exercise(self, exercise_id: str) -> str | None:
        return _read_code(self.exercise_path(exercise_id))

    def forget_exercise(self, exercise_id: str) -> None:
        remove(self.exercise_path(exercise_id))

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
