"""`tutor check` and `tutor list`: what an instructor runs after editing a lesson.

Errors print gcc-style (`path:line:col: error: message`), so editors and terminals can jump to
them; they go to stderr with a summary, sorted by file and line, and the exit code says whether
the course is valid.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from tutor.content.discover import (
    ENV_VAR, default_lesson_dirs, lesson_files, load_course, load_folder,
)
from tutor.content.model import Course, LessonError, Where


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _check(paths: list[Path]) -> tuple[list[LessonError], int, int]:
    """(errors, lesson files checked, courses checked) for files and folders."""
    errors: list[LessonError] = []
    files = 0
    folders: dict[Path, list[Path] | None] = {}
    for path in map(Path, paths):
        if path.is_dir():
            folders[path] = None
        elif path.is_file():
            # a file is checked with its folder's other lessons, for the cross-file rules
            chosen = folders.setdefault(path.parent, [])
            if chosen is not None:
                chosen.append(path)
        else:
            errors.append(LessonError(Where(path, 0, 0), "no such file or folder"))
    for folder, chosen in folders.items():
        if chosen is None:
            course = load_folder(folder, "the command line")
            files += len(course.lessons) + sum(1 for b in course.broken if b.path != folder)
            errors += course.errors()
            continue
        others = [p for p in lesson_files(folder) if p not in chosen]
        course = load_course(folder, files=sorted(set(chosen)) + others)
        wanted = set(chosen)
        files += len(wanted)
        errors += [e for e in course.errors() if e.where.path in wanted]
    errors.sort(key=lambda e: (str(e.where.path), e.where.line, e.where.col))
    return errors, files, len(folders)


def check_paths(paths: list[Path]) -> list[LessonError]:
    """Every error in the given lesson files and course folders, sorted by file and line."""
    return _check(paths)[0]


def run_check(paths: list[Path], out: TextIO, err: TextIO, env_value: str | None = None) -> int:
    """Check lessons; 0 and a one-line summary when valid, 1 and every error otherwise.

    No paths: the built-in course plus the folders of TUTOR_LESSONS (env_value; the caller reads
    the environment).
    """
    if not paths:
        paths = default_lesson_dirs((), env_value if env_value is not None
                                    else os.environ.get(ENV_VAR))
    errors, files, courses = _check(list(paths))
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
        out.write(f"{course.name} ({course.root}): {_plural(len(originals), 'lesson')}"
                  f"{', languages ' + ' '.join(course.languages()) if course.lessons else ''}\n")
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
