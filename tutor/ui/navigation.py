"""Where the learner goes next, and their record: read from progress, no textual here.

A step is finished once the learner has reached it and answered each of its quizzes right and
passed each of its exercises; a lesson is finished when all its steps are (the home screen's ✓).
"Continue" goes to the first unfinished step of the first unfinished lesson, in course order.
"""

from __future__ import annotations

from dataclasses import dataclass

from tutor.content.model import Exercise, Lesson, Quiz
from tutor.progress import NOT_STARTED, ProgressStore


def step_finished(store: ProgressStore, lesson: Lesson, index: int) -> bool:
    opened = store.status(lesson.key, len(lesson.steps), []) != NOT_STARTED
    if not opened or index > store.max_step_of(lesson.key):
        return False
    for block in lesson.steps[index].blocks:
        if isinstance(block, Quiz) and not store.quiz_solved(lesson.key, block.id):
            return False
        if isinstance(block, Exercise) and store.exercise_state(lesson.key, block.id).first_pass is None:
            return False
    return True


def first_unfinished_step(store: ProgressStore, lesson: Lesson) -> int | None:
    """The first step of `lesson` not finished, None when the whole lesson is."""
    return next((i for i in range(len(lesson.steps)) if not step_finished(store, lesson, i)), None)


def continue_point(store: ProgressStore, lessons: list[Lesson]) -> tuple[Lesson, int] | None:
    """The first unfinished step of the first unfinished lesson; None when the course is done."""
    for lesson in lessons:
        step = first_unfinished_step(store, lesson)
        if step is not None:
            return lesson, step
    return None


def next_lesson(lessons: list[Lesson], lesson: Lesson) -> Lesson | None:
    keys = [candidate.key for candidate in lessons]
    if lesson.key not in keys:
        return None
    position = keys.index(lesson.key)
    return lessons[position + 1] if position + 1 < len(lessons) else None


@dataclass(frozen=True)
class Record:
    """The learner's own record over a course, for the completion screen."""

    lessons_done: int
    lessons: int
    quizzes_first_time: int  # right at the first attempt
    quizzes_solved: int
    quizzes: int
    exercises_passed: int
    exercises: int
    solutions_seen: int
    unfinished: tuple[str, ...] = ()  # the titles of the lessons not finished yet

    @property
    def complete(self) -> bool:
        return self.lessons_done == self.lessons


def record(store: ProgressStore, lessons: list[Lesson]) -> Record:
    done = quizzes = first_time = solved = exercises = passed = seen = 0
    unfinished: list[str] = []
    for lesson in lessons:
        if first_unfinished_step(store, lesson) is None:
            done += 1
        else:
            unfinished.append(lesson.title)
        for quiz in lesson.quizzes():
            quizzes += 1
            attempts = store.quiz_attempts(lesson.key, quiz.id)
            first_time += bool(attempts) and attempts[0]["correct"]
            solved += any(a["correct"] for a in attempts)
        for exercise in lesson.exercises():
            exercises += 1
            passed += store.exercise_state(lesson.key, exercise.id).first_pass is not None
            seen += store.solution_seen(lesson.key, exercise.id)
    return Record(done, len(lessons), first_time, solved, quizzes, passed, exercises, seen, tuple(unfinished))
