"""Checks between the courses a learner has at once: the built-in one, --lessons, TUTOR_LESSONS.

A lesson or exercise id used by two courses is ambiguous wherever an id alone names it
(`tutor practice check ID`, `tutor plain ID`), and a later course's exercise is hidden by the
earlier one's; two folders with the same name would file their progress together (Lesson.key).
The later course's file gets the error; the first course to use an id keeps it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from tutor.content.model import BrokenLesson, Course, Exercise, Lesson, LessonError, Where


def check_across_courses(courses: Sequence[Course]) -> None:
    """Report ids that shadow an earlier course's: such lessons move to their course's broken."""
    lesson_owner: dict[str, tuple[Course, Lesson]] = {}
    exercise_owner: dict[str, tuple[Course, Exercise]] = {}
    key_owner: dict[str, Course] = {}
    for course in courses:
        readable = course.lessons + [b.partial for b in course.broken if b.partial is not None]
        if not readable:
            continue
        problems: dict[Path, list[LessonError]] = defaultdict(list)
        report = _reporter(problems)
        first = key_owner.setdefault(course.key, course)
        if first is not course:
            report(Where(course.root, 0, 0),
                   f"this course folder has the same name as {first.root}, so the progress of "
                   f"both would be kept together (under {course.key!r}); rename one folder")
        for lesson in readable:
            owner = lesson_owner.get(lesson.id)
            if owner is not None and owner[0] is not course:
                report(lesson.where or Where(lesson.path),
                       f"lesson id {lesson.id!r} is already used by {owner[1].where} in the "
                       f"course {owner[0].display_title!r}; lesson ids must differ between the "
                       f"courses a learner has: rename this one")
            for exercise in lesson.exercises():
                other = exercise_owner.get(exercise.id)
                if other is not None and other[0] is not course:
                    report(exercise.where,
                           f"exercise id {exercise.id!r} is already used by {other[1].where} in "
                           f"the course {other[0].display_title!r}, which would hide this one "
                           f"from `tutor practice`: rename this one")
        for lesson in readable:
            lesson_owner.setdefault(lesson.id, (course, lesson))
            for exercise in lesson.exercises():
                exercise_owner.setdefault(exercise.id, (course, exercise))
        _apply(course, problems)


def _reporter(problems: dict[Path, list[LessonError]]):
    def report(where: Where, message: str) -> None:
        problems[where.path].append(LessonError(where, message))

    return report


def _apply(course: Course, problems: dict[Path, list[LessonError]]) -> None:
    if not problems:
        return
    for item in course.broken:
        if item.path in problems:
            item.errors = _by_line(item.errors + problems.pop(item.path))
    kept = []
    for lesson in course.lessons:
        if lesson.path in problems:
            course.broken.append(BrokenLesson(lesson.path, _by_line(problems.pop(lesson.path)),
                                              lesson.id, lesson.title, lesson.lang, lesson))
        else:
            kept.append(lesson)
    course.lessons = kept
    for path, errors in problems.items():  # the folder itself
        course.broken.insert(0, BrokenLesson(path, errors))


def _by_line(errors: list[LessonError]) -> list[LessonError]:
    return sorted(errors, key=lambda e: (e.where.line, e.where.col))


__all__ = ["check_across_courses"]
