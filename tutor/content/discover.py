"""Where courses come from: folders of lesson files read into Courses, with their checks
(within_course.py across one course's files, across_courses.py between courses, course_file.py
for course.yaml).

A course is one folder of lesson files. The built-in course ships inside the installed package
(tutor/_lessons, see pyproject's force-include) or sits in a checkout's lessons/; more folders come
from `--lessons DIR` and TUTOR_LESSONS. A folder that is missing or holds no lessons becomes an
entry with an error rather than a crash, and one broken file never keeps the others from loading.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import tutor
from tutor.content.across_courses import check_across_courses
from tutor.content.course_file import read_course_file
from tutor.content.model import (
    BUILTIN_COURSE,
    BrokenLesson,
    Course,
    Lesson,
    LessonError,
    Where,
)
from tutor.content.parse import parse_lesson, split_file_name
from tutor.content.within_course import check_within_course

ENV_VAR = "TUTOR_LESSONS"
BUILTIN_NAME = BUILTIN_COURSE


def builtin_lessons_dir() -> Path:
    """tutor/_lessons in an installed wheel; the checkout's lessons/ otherwise (editable too)."""
    package = Path(tutor.__file__).resolve().parent
    shipped = package / "_lessons"
    if shipped.is_dir():
        return shipped
    return package.parent / "lessons"


def is_lesson_file(path: Path) -> bool:
    """A course's lessons: every *.md in the folder but the authoring guide and editor litter."""
    if path.suffix != ".md" or path.name.startswith((".", "#", "~")):
        return False
    stem, _ = split_file_name(path)
    return stem.upper() != "README" and path.is_file()


def lesson_files(root: Path) -> list[Path]:
    # originals before their translations, whatever the language code sorts like
    return sorted((p for p in root.iterdir() if is_lesson_file(p)),
                  key=lambda p: (split_file_name(p)[0], split_file_name(p)[1] is not None, p.name))


def load_course(root: Path, name: str | None = None, files: list[Path] | None = None) -> Course:
    """Every lesson file of `root` (or just `files`), parsed and checked against each other, with
    the folder's course.yaml."""
    root = Path(root)
    course = Course(name or root.name, root)
    paths = lesson_files(root) if files is None else files
    parsed = [parse_lesson(path) for path in paths]
    lessons = [item for item in parsed if isinstance(item, Lesson)]
    broken = [item for item in parsed if isinstance(item, BrokenLesson)]
    partials = [b.partial for b in broken if b.partial is not None]
    for lesson in lessons + partials:
        lesson.course = course.key
    problems = check_within_course(lessons, partials)
    for item in broken:
        item.errors = _by_line(item.errors + problems.get(item.path, []))
    course.broken = broken
    for lesson in lessons:
        if lesson.path in problems:
            course.broken.append(BrokenLesson(lesson.path, _by_line(problems[lesson.path]),
                                              lesson.id, lesson.title, lesson.lang, lesson))
        else:
            course.lessons.append(lesson)
    order = {path: index for index, path in enumerate(paths)}
    course.broken.sort(key=lambda b: order.get(b.path, len(order)))
    read_course_file(course)
    return course


def _by_line(errors: list[LessonError]) -> list[LessonError]:
    return sorted(errors, key=lambda e: (e.where.line, e.where.col))


def _missing_folder(path: Path, origin: str, problem: str) -> Course:
    course = Course(path.name or str(path), path)
    course.broken.append(BrokenLesson(path, [LessonError(Where(path), f"{problem} (from {origin})")]))
    return course


def load_folder(path: Path, origin: str, name: str | None = None) -> Course:
    """A course from a folder named on the command line or in TUTOR_LESSONS."""
    if not path.exists():
        return _missing_folder(path, origin, "this lesson folder does not exist")
    if not path.is_dir():
        return _missing_folder(path, origin, "this is not a folder; give the folder that holds "
                                             "the lesson files")
    try:
        files = lesson_files(path)
    except OSError as exc:
        return _missing_folder(path, origin, f"cannot read this folder: {exc.strerror or exc}")
    if not files:
        return _missing_folder(path, origin, "this folder holds no lesson files (*.md)")
    return load_course(path, name, files)


def default_lesson_dirs(extra_dirs: Sequence[Path] = (), env_value: str | None = None) -> list[Path]:
    """The folders `tutor check` reads without arguments: built-in, --lessons, TUTOR_LESSONS."""
    return [builtin_lessons_dir(), *map(Path, extra_dirs), *env_dirs(env_value)]


_FROM_ENV = object()


def env_dirs(env_value: str | None) -> list[Path]:
    return [Path(part) for part in (env_value or "").split(os.pathsep) if part.strip()]


def discover(extra_dirs: Sequence[Path] = (), env_value: str | object | None = _FROM_ENV) -> list[Course]:
    """The built-in course, then each --lessons folder, then each folder of TUTOR_LESSONS.

    env_value defaults to the TUTOR_LESSONS environment variable; None means no such folders.
    A folder named twice is loaded once.
    """
    env = os.environ.get(ENV_VAR) if env_value is _FROM_ENV else env_value
    sources: list[tuple[Path, str, str | None]] = [
        (builtin_lessons_dir(), "the built-in course", BUILTIN_NAME)]
    sources += [(Path(d), "--lessons", None) for d in extra_dirs]
    sources += [(d, ENV_VAR, None) for d in env_dirs(env if isinstance(env, str) else None)]
    courses: list[Course] = []
    seen: set[Path] = set()
    for path, origin, name in sources:
        key = path.resolve() if path.exists() else path
        if key in seen:
            continue
        seen.add(key)
        courses.append(load_folder(path, origin, name))
    check_across_courses(courses)
    return courses


def legacy_keys(courses: Sequence[Course]) -> list[tuple[str, str, list[str]]]:
    """(old key, new key, exercise ids) for each lesson whose progress an older tutor filed under
    its bare id, for ProgressStore.migrate_lesson.

    Only lessons outside the built-in course whose id no other loaded course uses: a bare id
    shared by two courses was one record for both, and cannot be told apart now.
    """
    owners: dict[str, set[str]] = defaultdict(set)
    for course in courses:
        for lesson in course.lessons:
            owners[lesson.id].add(course.key)
    moves: dict[str, tuple[str, str, list[str]]] = {}
    for course in courses:
        for lesson in course.lessons:
            if lesson.key != lesson.id and len(owners[lesson.id]) == 1:
                exercises = [e.id for e in lesson.exercises()]
                moves.setdefault(lesson.key, (lesson.id, lesson.key, exercises))
    return list(moves.values())
