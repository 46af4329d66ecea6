"""The built-in course as the course tests know it: where it is and its lessons in book order."""

from pathlib import Path

LESSONS = Path(__file__).resolve().parent.parent / "lessons"

# file stem -> lesson id, in the book's order (the chapter, then one lesson per exercise)
COURSE = {
    "01-data": "data",
    "02-minibatches": "minibatches",
    "03-init": "init",
    "04-model": "model",
    "05-loss": "loss",
    "06-sgd": "sgd",
    "07-training": "training",
    "08-evaluation": "evaluation",
    "09-zero-init": "zero-init",
    "10-ohm": "ohm",
    "11-planck": "planck",
    "12-second-derivatives": "second-derivatives",
    "13-reshape": "reshape",
    "14-learning-rate": "learning-rate",
    "15-remainder": "remainder-batch",
}
CHAPTER = list(COURSE)[:8]
EXERCISE_LESSONS = {stem: lesson_id for stem, lesson_id in COURSE.items() if stem not in CHAPTER}
