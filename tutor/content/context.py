"""What the readers of one lesson file share: its lines, the errors found so far, the ids given.

Reading never stops at the first problem: each reader reports what is wrong to the Context and
carries on, so that one run of `tutor check` lists every error of the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tutor.content.model import LessonError, Where


class Context:
    def __init__(self, path: Path, lines: list[str]):
        self.path = path
        self.lines = lines
        self.errors: list[LessonError] = []
        self.lesson_id = ""  # the front matter's id, which names the lesson's run cells
        self.run_cells = 0
        # the ids given so far, by block kind, with the line each was given at
        self.ids: dict[str, dict[str, int]] = {"quiz": {}, "exercise": {}, "experiment": {}}

    def error(self, line: int, col: int, message: str) -> None:
        # YAML may count line breaks the splitter does not (U+2028); never point past the file.
        line = max(1, min(line, max(len(self.lines), 1)))
        self.errors.append(LessonError(Where(self.path, line, max(col, 1)), message))

    def next_cell_id(self) -> str:
        """The id of the lesson's next run cell: lesson-id:1, lesson-id:2, ..."""
        self.run_cells += 1
        return f"{self.lesson_id}:{self.run_cells}"


class _Failed:
    """A block or value that was reported as wrong: not Markdown, not in the model."""


FAILED: Any = _Failed()
