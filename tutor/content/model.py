"""The course as typed objects: what a lesson file means, with where each part came from.

No torch and no textual here: the app, `tutor check` and the tests all read lessons through
these classes, and every node carries its file and line so that any error can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The name and key of the course that ships with the tutor.
BUILTIN_COURSE = "built-in"


def course_key(name: str) -> str:
    """A course folder's name as a key part: letters, digits, '-' and '_' only (it names folders
    in the learner's data dir), e.g. "My course (2025)" -> "My-course-2025"."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_") or "course"


@dataclass(frozen=True)
class Where:
    """A place in a lesson file; line and column are 1-based, as editors count.

    Line 0 stands for the path as a whole (a file or folder that does not exist).
    """

    path: Path
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        if self.line == 0:
            return str(self.path)
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class LessonError:
    """One problem in one lesson file, printed gcc-style: `path:line:col: error: message`."""

    where: Where
    message: str

    def __str__(self) -> str:
        return f"{self.where}: error: {self.message}"


@dataclass
class Prose:
    """Markdown text shown as is."""

    markdown: str
    where: Where


@dataclass
class Code:
    """A fenced Python block.

    kind is "show" (the real source of the core function named by `show`), "run" (a cell the
    learner edits and runs in the kernel) or "static" (only displayed).
    """

    kind: str
    source: str
    where: Where
    show: str | None = None
    # a stable id for the learner's edited copy of a run cell: "<lesson id>:<n>"
    cell_id: str = ""


@dataclass
class Experiment:
    """Runs `run` (a name in tutor.scratch.exercises, or "train") with `params`.

    `editable` lists the params the learner may change; `sweep` maps one param to a list of
    values and runs one curve per value.
    """

    run: str
    params: dict[str, Any]
    where: Where
    editable: list[str] = field(default_factory=list)
    sweep: dict[str, list[Any]] | None = None
    # "loss" (the default) or "path" (the (w1, w2) path of SGD over the loss surface's rings)
    view: str = "loss"
    id: str = ""
    # what the loss is plotted against: "step", "epoch" or "examples" (seen so far)
    x_axis: str = "step"


@dataclass
class Choice:
    text: str
    correct: bool = False
    why: str = ""


@dataclass
class Quiz:
    """type is "choice", "number" or "text"."""

    id: str
    type: str
    prompt: str
    where: Where
    choices: list[Choice] = field(default_factory=list)
    answer: float | None = None
    tolerance: float = 0.0
    accept: list[str] = field(default_factory=list)
    # a regular expression; a text answer is right if it matches in full (case-insensitive)
    pattern: str | None = None
    hint: str = ""
    explain: str = ""
    # choice quizzes: False keeps the author's order of the options for every learner
    shuffle: bool = True

    @property
    def multiple(self) -> bool:
        """Several choices are correct, so the learner may pick several."""
        return sum(c.correct for c in self.choices) > 1


@dataclass
class Exercise:
    """The learner writes the core function `implements` themselves.

    `then` is an experiment run with the learner's function in place of the core's once the
    check passes.
    """

    id: str
    implements: str
    starter: str
    where: Where
    hints: list[str] = field(default_factory=list)
    then: Experiment | None = None
    # a function that passes the check, shown to the learner only as `reveal` allows
    solution: str = ""
    # "after-hints" (on request, once every hint was shown), "always" (on request) or "never"
    reveal: str = "after-hints"


Block = Prose | Code | Experiment | Quiz | Exercise


@dataclass
class Step:
    """One `##` section of a lesson: one screen."""

    title: str
    blocks: list[Block]
    where: Where


@dataclass
class Lesson:
    id: str
    title: str
    lang: str
    steps: list[Step]
    path: Path
    # the file name without language suffix and extension, e.g. "01-data"; orders the course
    stem: str = ""
    # where the id is written in the front matter, so cross-file errors can point at it
    where: Where | None = None
    # the key of the course this lesson belongs to (Course.key; "" until the loader sets it)
    course: str = ""

    @property
    def key(self) -> str:
        """What the learner's progress is filed under: the id in the built-in course (so progress
        saved before courses were told apart stays valid), "<course>/<id>" in any other. Every
        front end addresses progress by this key, never by `id` alone (two courses may both have
        a lesson `loss`)."""
        if self.course in ("", BUILTIN_COURSE):
            return self.id
        return f"{self.course}/{self.id}"

    def quizzes(self) -> list[Quiz]:
        return [b for s in self.steps for b in s.blocks if isinstance(b, Quiz)]

    def experiments(self) -> list[Experiment]:
        found: list[Experiment] = []
        for s in self.steps:
            for b in s.blocks:
                if isinstance(b, Experiment):
                    found.append(b)
                elif isinstance(b, Exercise) and b.then is not None:
                    found.append(b.then)
        return found

    def exercises(self) -> list[Exercise]:
        return [b for s in self.steps for b in s.blocks if isinstance(b, Exercise)]


@dataclass
class BrokenLesson:
    """A file that could not be loaded, kept so the app can list it with its errors."""

    path: Path
    errors: list[LessonError]
    # whatever could be read of the front matter, for display
    id: str = ""
    title: str = ""
    lang: str = ""
    # the lesson as far as it could be read (failed blocks left out), so that the checks across
    # files (translations, ids) run in the same `tutor check` as the file's own errors
    partial: Lesson | None = None


@dataclass
class Course:
    """The lessons of one folder, in file-name order, in every language found."""

    name: str
    root: Path
    lessons: list[Lesson] = field(default_factory=list)
    broken: list[BrokenLesson] = field(default_factory=list)
    # from the folder's course.yaml, if it has one (see tutor.content.course_file)
    title: str = ""
    description: str = ""
    # lesson ids in the order the course teaches them; empty: by file name
    order: list[str] = field(default_factory=list)

    @property
    def display_title(self) -> str:
        """What a learner sees as the course's name: its title, else its folder's name."""
        return self.title or self.name

    @property
    def key(self) -> str:
        """The first part of its lessons' progress keys (see Lesson.key)."""
        return self.name if self.name == BUILTIN_COURSE else course_key(self.name)

    def languages(self) -> list[str]:
        return sorted({lesson.lang for lesson in self.lessons})

    def in_language(self, lang: str) -> list[Lesson]:
        """One lesson per id in `lang`, falling back to the original where no translation exists."""
        by_id: dict[str, Lesson] = {}
        for lesson in self.lessons:
            current = by_id.get(lesson.id)
            if current is None or (lesson.lang == lang and current.lang != lang):
                by_id[lesson.id] = lesson
        rank = {lesson_id: n for n, lesson_id in enumerate(self.order)}
        return sorted(by_id.values(), key=lambda l: (rank.get(l.id, len(rank)), l.stem))

    def errors(self) -> list[LessonError]:
        return [e for b in self.broken for e in b.errors]
