"""`tutor check` and `tutor list`: what an instructor runs after editing a lesson.

Errors print gcc-style (`path:line:col: error: message`), so editors and terminals can jump to
them; they go to stderr with a summary, sorted by file and line, and the exit code says whether
the course is valid.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tutor.content.across_courses import check_across_courses
from tutor.content.course_file import COURSE_FILE
from tutor.content.discover import (
    BUILTIN_NAME,
    ENV_VAR,
    builtin_lessons_dir,
    default_lesson_dirs,
    is_lesson_file,
    lesson_files,
    load_course,
    load_folder,
)
from tutor.content.model import Course, LessonError, Where


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _check(paths: list[Path], reference: Sequence[Path] = ()
           ) -> tuple[list[LessonError], int, int]:
    """(errors, lesson files checked, courses checked) for files and folders.

    The folders in `reference` (the built-in course, --lessons, TUTOR_LESSONS) are loaded too,
    so that ids shadowing theirs are found, but only errors in `paths` are reported.
    """
    errors: list[LessonError] = []
    whole: set[Path] = set()
    chosen: dict[Path, set[Path]] = {}
    for path in map(Path, paths):
        if path.is_dir():
            whole.add(_same(path))
            chosen.setdefault(_same(path), set())
        elif path.is_file():
            # a file is checked with its folder's other lessons, for the cross-file rules
            chosen.setdefault(_same(path.parent), set()).add(_same(path))
        else:
            errors.append(LessonError(Where(path, 0, 0), "no such file or folder"))
    folders = {_same(p): p for p in [*reference, *paths] if Path(p).is_dir()}
    folders.update({_same(Path(p).parent): Path(p).parent for p in paths if Path(p).is_file()})
    courses = {key: _load(path, chosen.get(key, set())) for key, path in folders.items()}
    check_across_courses(list(courses.values()))
    files = 0
    for key, wanted in chosen.items():
        course = courses[key]
        if key in whole:
            files += len(course.lessons) + sum(1 for b in course.broken
                                               if b.path.name != COURSE_FILE and b.path != course.root)
            errors += course.errors()
            continue
        files += sum(1 for p in wanted if p.name != COURSE_FILE)
        errors += [e for e in course.errors() if _same(e.where.path) in wanted]
    errors.sort(key=lambda e: (str(e.where.path), e.where.line, e.where.col))
    return errors, files, len(chosen)


def _load(folder: Path, wanted: set[Path]) -> Course:
    """The folder's course, with any file named on the command line that is not a lesson file
    by its name (notes.txt, README.md) read as one: it was asked for, so it is never skipped."""
    name = BUILTIN_NAME if _same(folder) == _same(builtin_lessons_dir()) else None
    extra = sorted(p for p in wanted if not is_lesson_file(p) and p.name != COURSE_FILE)
    if not extra:
        return load_folder(folder, "the command line", name)
    return load_course(folder, name, files=[*lesson_files(folder), *extra])


def _same(path: Path) -> Path:
    """One name per file or folder, however the command line spelt it."""
    return Path(path).resolve()


def check_paths(paths: list[Path], reference: Sequence[Path] = ()) -> list[LessonError]:
    """Every error in the given lesson files and course folders, sorted by file and line."""
    return _check(paths, reference)[0]


def run_check(paths: list[Path], out: TextIO, err: TextIO, env_value: str | None = None,
              extra_dirs: Sequence[Path] = ()) -> int:
    """Check lessons; 0 and a one-line summary when valid, 1 and every error otherwise.

    No paths: the built-in course, the --lessons folders (extra_dirs) and the folders of
    TUTOR_LESSONS (env_value; None reads the environment). Given paths are checked against
    those courses too, for ids that shadow theirs.
    """
    env = env_value if env_value is not None else os.environ.get(ENV_VAR)
    reference = default_lesson_dirs(extra_dirs, env)
    errors, files, courses = _check(list(paths) or reference, reference)
    checked = f"checked {_plural(files, 'lesson file')} in {_plural(courses, 'course')}"
    if not errors:
        out.write(f"{checked}: no errors\n")
        return 0
    for error in errors:
        err.write(f"{error}\n")
    broken = len({e.where.path for e in errors})
    err.write(f"{checked}: {_plural(len(errors), 'error')} in {_plural(broken, 'file')}\n")
    return 1


def run_list(courses: list[Course], out: TextIO) -> int:
    """Each course with its lessons (file, id, languages, title) and its broken files."""
    for course in courses:
        originals = course.in_language("en") if course.lessons else []
        out.write(f"{course.display_title} ({course.root}): {_plural(len(originals), 'lesson')}"
                  f"{', languages ' + ' '.join(course.languages()) if course.lessons else ''}\n")
        if course.description:
            out.write(f"  {course.description}\n")
        langs: dict[str, list[str]] = {}
        for lesson in course.lessons:
            langs.setdefault(lesson.id, []).append(lesson.lang)
        width = max((len(l.id) for l in originals), default=0)
        for lesson in originals:
            out.write(f"  {lesson.stem:<24} {lesson.id:<{width}}  "
                      f"{' '.join(sorted(langs[lesson.id])):<6} {lesson.title}\n")
        for broken in course.broken:
            first = broken.errors[0] if broken.errors else None
            more = f" (+{_plural(len(broken.errors) - 1, 'more error')})" if len(broken.errors) > 1 else ""
            out.write(f"  broken: {first or broken.path}{more}\n")
    if not courses:
        out.write("no courses found\n")
    return 0


__all__ = ["check_paths", "run_check", "run_list"]
