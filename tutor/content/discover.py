"""Where courses come from, and the checks that need a whole course rather than one file.

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
from tutor.content.model import (
    BUILTIN_COURSE,
    BrokenLesson,
    Course,
    Exercise,
    Lesson,
    LessonError,
    Quiz,
    Where,
)
from tutor.content.parse import parse_lesson, split_file_name

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
    """Every lesson file of `root` (or just `files`), parsed and checked against each other."""
    root = Path(root)
    course = Course(name or root.name, root)
    paths = lesson_files(root) if files is None else files
    parsed = [parse_lesson(path) for path in paths]
    lessons = [item for item in parsed if isinstance(item, Lesson)]
    course.broken = [item for item in parsed if isinstance(item, BrokenLesson)]
    for lesson in lessons:
        lesson.course = course.key
    problems = _cross_file_errors(lessons)
    for lesson in lessons:
        if lesson.path in problems:
            errors = sorted(problems[lesson.path], key=lambda e: (e.where.line, e.where.col))
            course.broken.append(BrokenLesson(lesson.path, errors, lesson.id, lesson.title,
                                              lesson.lang))
        else:
            course.lessons.append(lesson)
    order = {path: index for index, path in enumerate(paths)}
    course.broken.sort(key=lambda b: order.get(b.path, len(order)))
    return course


def _id_where(lesson: Lesson) -> Where:
    return lesson.where or Where(lesson.path)


def _cross_file_errors(lessons: list[Lesson]) -> dict[Path, list[LessonError]]:
    problems: dict[Path, list[LessonError]] = defaultdict(list)

    def report(where: Where, message: str) -> None:
        problems[where.path].append(LessonError(where, message))

    first_by_key: dict[tuple[str, str], Lesson] = {}
    for lesson in lessons:
        first = first_by_key.setdefault((lesson.id, lesson.lang), lesson)
        if first is not lesson:
            report(_id_where(lesson), f"lesson id {lesson.id!r} in {lesson.lang} is already used "
                                      f"by {_id_where(first)}; each lesson needs its own id "
                                      f"(a translation has the same id but another lang)")

    by_id: dict[str, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        if lesson.path not in problems:
            by_id[lesson.id].append(lesson)
    for group in by_id.values():
        original = next((l for l in group if split_file_name(l.path)[1] is None), group[0])
        for translation in group:
            if translation is not original:
                _compare_translation(original, translation, report)

    # a quiz or exercise id may be shared only by the translations of one lesson
    for kind, items in (("quiz", Lesson.quizzes), ("exercise", Lesson.exercises)):
        owner: dict[str, tuple[Lesson, Quiz | Exercise]] = {}
        for lesson in lessons:
            for item in items(lesson):
                first = owner.setdefault(item.id, (lesson, item))
                if first[0].id != lesson.id:
                    report(item.where, f"{kind} id {item.id!r} is already used by "
                                       f"{first[1].where} (lesson {first[0].id!r}); {kind} ids "
                                       f"must be unique across the course")
    return problems


def _compare_translation(original: Lesson, translation: Lesson, report) -> None:
    """A translation must ask the same quizzes with the same answers, and the same exercises."""
    source = original.path.name
    stem = split_file_name(original.path)[0]
    if split_file_name(translation.path)[0] != stem:
        report(_id_where(translation), f"this is lesson {original.id!r} of {source}, so the file "
                                       f"must be named {stem}.{translation.lang}.md")
    same = "a translation has the same quizzes (ids, types, answers) and exercises as its original"
    theirs = {q.id: q for q in original.quizzes()}
    ours = {q.id: q for q in translation.quizzes()}
    for quiz_id, quiz in theirs.items():
        if quiz_id not in ours:
            report(_id_where(translation), f"quiz {quiz_id!r} of the original ({quiz.where}) is "
                                           f"missing here; {same}")
    for quiz_id, quiz in ours.items():
        if quiz_id not in theirs:
            report(quiz.where, f"quiz {quiz_id!r} is not in the original {source}; {same}")
            continue
        difference = _quiz_difference(theirs[quiz_id], quiz)
        if difference:
            report(quiz.where, f"quiz {quiz_id!r} differs from the original "
                               f"({theirs[quiz_id].where}): {difference}; {same}")
    their_exercises = {e.id: e for e in original.exercises()}
    our_exercises = {e.id: e for e in translation.exercises()}
    for exercise_id, exercise in their_exercises.items():
        mine = our_exercises.get(exercise_id)
        if mine is None:
            report(_id_where(translation), f"exercise {exercise_id!r} of the original "
                                           f"({exercise.where}) is missing here; {same}")
        elif mine.implements != exercise.implements:
            report(mine.where, f"exercise {exercise_id!r} implements {mine.implements} here but "
                               f"{exercise.implements} in the original ({exercise.where}); {same}")
    for exercise_id, exercise in our_exercises.items():
        if exercise_id not in their_exercises:
            report(exercise.where, f"exercise {exercise_id!r} is not in the original {source}; "
                                   f"{same}")


def _quiz_difference(original: Quiz, translation: Quiz) -> str:
    if original.type != translation.type:
        return f"it is a {translation.type} quiz here but a {original.type} quiz there"
    if original.type == "number":
        if original.answer != translation.answer:
            return f"the answer is {translation.answer:g} here but {original.answer:g} there"
        if original.tolerance != translation.tolerance:
            return (f"the tolerance is {translation.tolerance:g} here but "
                    f"{original.tolerance:g} there")
    if original.type == "choice":
        if len(original.choices) != len(translation.choices):
            return (f"it has {len(translation.choices)} choices here but "
                    f"{len(original.choices)} there")
        ours = [i for i, c in enumerate(translation.choices, 1) if c.correct]
        theirs = [i for i, c in enumerate(original.choices, 1) if c.correct]
        if ours != theirs:
            return (f"the correct choices are {_positions(ours)} here but {_positions(theirs)} "
                    f"there (choices are compared by position)")
        if original.shuffle != translation.shuffle:
            # a learner who switches language must see the options in the same order
            return (f"shuffle is {str(translation.shuffle).lower()} here but "
                    f"{str(original.shuffle).lower()} there")
    return ""


def _positions(numbers: list[int]) -> str:
    return "number " + ", ".join(map(str, numbers))


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


def discover(extra_dirs: Sequence[Path] = (), env_value: str | None | object = _FROM_ENV) -> list[Course]:
    """The built-in course, then each --lessons folder, then each folder of TUTOR_LESSONS.

    env_value defaults to the TUTOR_LESSONS environment variable; None means no such folders.
    A folder named twice is loaded once.
    """
    if env_value is _FROM_ENV:
        env_value = os.environ.get(ENV_VAR)
    sources = [(builtin_lessons_dir(), "the built-in course", BUILTIN_NAME)]
    sources += [(Path(d), "--lessons", None) for d in extra_dirs]
    sources += [(d, ENV_VAR, None) for d in env_dirs(env_value)]  # type: ignore[arg-type]
    courses, seen = [], set()
    for path, origin, name in sources:
        key = path.resolve() if path.exists() else path
        if key in seen:
            continue
        seen.add(key)
        courses.append(load_folder(path, origin, name))
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
