"""The checks between the files of one course: ids given twice, and translations against their
originals (steps, blocks, experiments, quizzes, exercises), reported at the translation's line.

Broken files take part through what could be read of them (BrokenLesson.partial), so that one
`tutor check` reports a file's own errors and these together; where a block may be missing only
because it was wrong, only what both sides have is compared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from tutor.content.front_matter import split_file_name
from tutor.content.model import (
    Code,
    Exercise,
    Experiment,
    Lesson,
    LessonError,
    Prose,
    Quiz,
    Step,
    Where,
)


def _id_where(lesson: Lesson) -> Where:
    return lesson.where or Where(lesson.path)


Report = Callable[[Where, str], None]


def check_within_course(lessons: list[Lesson], partials: list[Lesson]
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
        elif (bool(mine.solution), mine.reveal) != (bool(exercise.solution), exercise.reveal):
            # switching language must not change whether, or when, the solution is offered
            report(mine.where, f"exercise {exercise_id!r} has {_reveal_rule(mine)} here but "
                               f"{_reveal_rule(exercise)} in the original ({exercise.where}); "
                               f"{SAME}")
    for exercise_id, exercise in our_exercises.items():
        if exercise_id not in their_exercises and whole:
            report(exercise.where, f"exercise {exercise_id!r} is not in the original {source}; "
                                   f"{SAME}")


def _reveal_rule(exercise: Exercise) -> str:
    return f"reveal: {exercise.reveal}" if exercise.solution else "no solution"


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


__all__ = ["SAME", "check_within_course"]
