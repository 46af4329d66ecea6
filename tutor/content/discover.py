"""Where courses come from, and the checks that need a whole course rather than one file.

A course is one folder of lesson files. The built-in course ships inside the installed package
(tutor/_lessons, see pyproject's force-include) or sits in a checkout's lessons/; more folders come
from `--lessons DIR` and TUTOR_LESSONS. A folder that is missing or holds no lessons becomes an
entry with an error rather than a crash, and one broken file never keeps the others from loading.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import tutor
from tutor.content.across_courses import check_across_courses
from tutor.content.course_file import read_course_file
from tutor.content.model import (
    BUILTIN_COURSE,
    BrokenLesson,
    Code,
    Course,
    Exercise,
    Experiment,
    Lesson,
    LessonError,
    Prose,
    Quiz,
    Step,
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
    problems = _cross_file_errors(lessons, partials)
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


def _id_where(lesson: Lesson) -> Where:
    return lesson.where or Where(lesson.path)


Report = Callable[[Where, str], None]


def _cross_file_errors(lessons: list[Lesson], partials: list[Lesson]
                       ) -> dict[Path, list[LessonError]]:
    """What is wrong between the files of one course. `partials` are the readable parts of
    broken files: they take part, so one run reports everything, but where a part may be
    missing only what both sides have is compared."""
    problems: dict[Path, list[LessonError]] = defaultdict(list)

    def report(where: Where, message: str) -> None:
        problems[where.path].append(LessonError(where, message))

    everything = lessons + partials
    incomplete = {id(lesson) for lesson in partials}
    first_by_key: dict[tuple[str, str], Lesson] = {}
    for lesson in everything:
        first = first_by_key.setdefault((lesson.id, lesson.lang), lesson)
        if first is not lesson:
            report(_id_where(lesson), f"lesson id {lesson.id!r} in {lesson.lang} is already used "
                                      f"by {_id_where(first)}; each lesson needs its own id "
                                      f"(a translation has the same id but another lang)")

    originals = [lesson for lesson in everything if split_file_name(lesson.path)[1] is None]
    by_stem = {split_file_name(lesson.path)[0]: lesson for lesson in originals}
    # a translation with the wrong id is reported once, not again for each quiz it shares
    misnamed: set[int] = set()
    for translation in everything:
        stem, suffix = split_file_name(translation.path)
        if suffix is None:
            continue
        original = by_stem.get(stem)
        if original is not None and original.id != translation.id:
            report(_id_where(translation), f"this translation's id is {translation.id!r} but its "
                                           f"original {original.path.name} has id "
                                           f"{original.id!r}; a translation keeps its "
                                           f"original's id")
            misnamed.add(id(translation))
            continue
        if original is None:
            original = next((o for o in originals if o.id == translation.id), None)
            if original is None:
                report(_id_where(translation), f"this is a translation ({suffix}) with no "
                                               f"original: there is no {stem}.md beside it, nor "
                                               f"another lesson with id {translation.id!r}; "
                                               f"write the original (lang: en) as {stem}.md")
                continue
            report(_id_where(translation), f"this is lesson {original.id!r} of "
                                           f"{original.path.name}, so the file must be named "
                                           f"{split_file_name(original.path)[0]}."
                                           f"{translation.lang}.md")
        whole = id(original) not in incomplete and id(translation) not in incomplete
        _compare_translation(original, translation, report, whole)

    # a quiz or exercise id may be shared only by the translations of one lesson
    for kind, items in (("quiz", Lesson.quizzes), ("exercise", Lesson.exercises)):
        owner: dict[str, tuple[Lesson, Quiz | Exercise]] = {}
        for lesson in everything:
            if id(lesson) in misnamed:
                continue
            for item in items(lesson):
                first_lesson, first_item = owner.setdefault(item.id, (lesson, item))
                if first_lesson.id != lesson.id:
                    report(item.where, f"{kind} id {item.id!r} is already used by "
                                       f"{first_item.where} (lesson {first_lesson.id!r}); {kind} "
                                       f"ids must be unique across the course")
    return problems


SAME = ("a translation has the same steps, blocks, experiments, quizzes (ids, types, answers) "
        "and exercises as its original")


def _compare_translation(original: Lesson, translation: Lesson, report: Report,
                         whole: bool) -> None:
    """Report where a translation teaches something else than its original.

    `whole`: both files were read in full; otherwise a block may be missing only because it
    was wrong, so only the quizzes and exercises both have are compared.
    """
    if whole:
        _compare_structure(original, translation, report)
    source = original.path.name
    theirs = {q.id: q for q in original.quizzes()}
    ours = {q.id: q for q in translation.quizzes()}
    for quiz_id, quiz in theirs.items():
        if quiz_id not in ours and whole:
            report(_id_where(translation), f"quiz {quiz_id!r} of the original ({quiz.where}) is "
                                           f"missing here; {SAME}")
    for quiz_id, quiz in ours.items():
        if quiz_id not in theirs:
            if whole:
                report(quiz.where, f"quiz {quiz_id!r} is not in the original {source}; {SAME}")
            continue
        difference = _quiz_difference(theirs[quiz_id], quiz)
        if difference:
            report(quiz.where, f"quiz {quiz_id!r} differs from the original "
                               f"({theirs[quiz_id].where}): {difference}; {SAME}")
    their_exercises = {e.id: e for e in original.exercises()}
    our_exercises = {e.id: e for e in translation.exercises()}
    for exercise_id, exercise in their_exercises.items():
        mine = our_exercises.get(exercise_id)
        if mine is None:
            if whole:
                report(_id_where(translation), f"exercise {exercise_id!r} of the original "
                                               f"({exercise.where}) is missing here; {SAME}")
        elif mine.implements != exercise.implements:
            report(mine.where, f"exercise {exercise_id!r} implements {mine.implements} here but "
                               f"{exercise.implements} in the original ({exercise.where}); {SAME}")
    for exercise_id, exercise in our_exercises.items():
        if exercise_id not in their_exercises and whole:
            report(exercise.where, f"exercise {exercise_id!r} is not in the original {source}; "
                                   f"{SAME}")


def _compare_structure(original: Lesson, translation: Lesson, report: Report) -> None:
    """Steps, the blocks of each step, and the experiments, in order."""
    ours, theirs = translation.steps, original.steps
    if len(ours) > len(theirs):
        extra = ours[len(theirs)]
        report(extra.where, f"step {len(theirs) + 1} ({extra.title!r}) is not in the original, "
                            f"which has {_plural(len(theirs), 'step')}; {SAME}")
    elif len(ours) < len(theirs):
        missing = theirs[len(ours)]
        report(_id_where(translation), f"this translation has {_plural(len(ours), 'step')} but "
                                       f"the original has {len(theirs)}: its step "
                                       f"{len(ours) + 1} ({missing.title!r}, {missing.where}) is "
                                       f"missing here; {SAME}")
    else:
        for number, (mine, other) in enumerate(zip(ours, theirs), 1):
            here, there = _block_kinds(mine), _block_kinds(other)
            if here != there:
                report(mine.where, f"step {number} holds {_listing(here)} here but "
                                   f"{_listing(there)} in the original ({other.where}); {SAME}")
    our_runs, their_runs = translation.experiments(), original.experiments()
    if len(our_runs) != len(their_runs) and len(ours) != len(theirs):
        report(_id_where(translation), f"this translation has "
                                       f"{_plural(len(our_runs), 'experiment')} but the original "
                                       f"has {len(their_runs)}; {SAME}")
    for mine_run, their_run in zip(our_runs, their_runs):
        difference = _experiment_difference(their_run, mine_run)
        if difference:
            report(mine_run.where, f"this experiment differs from the original's "
                                   f"({their_run.where}): {difference}; {SAME}")


def _block_kinds(step: Step) -> list[str]:
    """The step's blocks but its prose (which a translation may break up otherwise)."""
    kinds = []
    for block in step.blocks:
        if isinstance(block, Code):
            kinds.append({"show": f"python show={block.show}", "run": "python run"}
                         .get(block.kind, "python"))
        elif not isinstance(block, Prose):
            kinds.append(type(block).__name__.lower())
    return kinds


def _listing(kinds: list[str]) -> str:
    return "[" + ", ".join(kinds) + "]" if kinds else "only text"


def _experiment_difference(original: Experiment, translation: Experiment) -> str:
    for name in ("run", "params", "editable", "sweep", "view", "id"):
        mine, theirs = getattr(translation, name), getattr(original, name)
        if name == "params":
            for param in sorted(set(mine) | set(theirs)):
                if mine.get(param) != theirs.get(param):
                    return (f"{param} is {_shown(mine.get(param))} here but "
                            f"{_shown(theirs.get(param))} there")
        elif mine != theirs:
            return f"{name} is {_shown(mine)} here but {_shown(theirs)} there"
    return ""


def _shown(value: object) -> str:
    return "not given" if value in (None, "", []) else repr(value)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


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
