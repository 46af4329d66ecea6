"""What progress.json holds, and reading it: bytes -> checked data, or why they cannot be used.

    {"version": 1,
     "last": {"lesson_id": <lesson key>, "step": ...} or null,
     "learner_seed": <int, drawn once>,            (optional)
     "active_at": <ISO time of the last save>,     (optional)
     "lessons": {<lesson key>: {"step", "max_step",
                                "quizzes": {<quiz id>: [{"answer", "correct", "at"}, ...]},
                                "exercises": {<exercise id>: {"attempts", "hints_used",
                                                              "first_pass", "passed",
                                                              "solution_seen", (optional)
                                                              "diagnoses": {<text>: <count>}}},
                                "params": {<experiment id>: {<name>: <value>}}}}}

A lesson key is the lesson id in the built-in course and "<course>/<lesson id>" in any other
(Lesson.key). The optional fields were added without a new version: a file without them is read
with their defaults, and an older tutor ignores them.

Pure functions; no torch, no textual.
"""

from __future__ import annotations

import json
from typing import Any

FORMAT_VERSION = 1


def empty() -> dict[str, Any]:
    """The progress of a new learner."""
    return {"version": FORMAT_VERSION, "last": None, "lessons": {}}


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def parse(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """(progress data, "") or (None, why these bytes are not a progress file, in plain words)."""
    try:
        text = raw.decode("utf-8-sig")  # an editor may have added a BOM: harmless
    except UnicodeDecodeError:
        return None, "it is not UTF-8 text"
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        return None, f"it is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})"
    except (ValueError, RecursionError) as e:
        return None, f"it is not valid JSON ({e})"
    if not isinstance(data, dict):
        return None, "it does not hold a JSON object"
    version = data.get("version")
    if isinstance(version, int) and is_int(version) and version > FORMAT_VERSION:
        return None, f"it was written by a newer version of the tutor (format version {version})"
    if not is_int(version) or version != FORMAT_VERSION:
        return None, f"its format version is unknown ({version!r})"
    problem = _shape_problem(data)
    return (None, problem) if problem else (data, "")


def _shape_problem(data: dict[str, Any]) -> str | None:
    """Check every field the store reads, so that no later call can trip over a bad value.

    Missing fields get their defaults (setdefault); fields of the wrong type are a problem.
    """

    def bad(where: str, what: str) -> str:
        return f"its contents do not have the expected shape ({where} should be {what})"

    last = data.setdefault("last", None)
    if last is not None:
        if not isinstance(last, dict) or not isinstance(last.get("lesson_id"), str):
            return bad("last", "a lesson id and a step")
        if not is_step(last.get("step")):
            return bad("last.step", "a whole number >= 0")
    if not (data.get("learner_seed") is None or is_int(data.get("learner_seed"))):
        return bad("learner_seed", "a whole number")
    if not isinstance(data.get("active_at", ""), str):
        return bad("active_at", "a time")
    lessons = data.setdefault("lessons", {})
    if not isinstance(lessons, dict):
        return bad("lessons", "an object")
    for lesson_id, lesson in lessons.items():
        where = f"lessons.{lesson_id}"
        if not isinstance(lesson, dict):
            return bad(where, "an object")
        for key in ("step", "max_step"):
            if not is_step(lesson.setdefault(key, 0)):
                return bad(f"{where}.{key}", "a whole number >= 0")
        quizzes = lesson.setdefault("quizzes", {})
        if not isinstance(quizzes, dict):
            return bad(f"{where}.quizzes", "an object")
        for quiz_id, attempts in quizzes.items():
            if not isinstance(attempts, list):
                return bad(f"{where}.quizzes.{quiz_id}", "a list of attempts")
            for attempt in attempts:
                if not (
                    isinstance(attempt, dict)
                    and "answer" in attempt
                    and isinstance(attempt.get("correct"), bool)
                    and isinstance(attempt.get("at"), str)
                ):
                    return bad(f"{where}.quizzes.{quiz_id}", "attempts with answer, correct, at")
        params = lesson.setdefault("params", {})
        if not isinstance(params, dict) or not all(isinstance(p, dict) for p in params.values()):
            return bad(f"{where}.params", "an object of parameter objects")
        exercises = lesson.setdefault("exercises", {})
        if not isinstance(exercises, dict):
            return bad(f"{where}.exercises", "an object")
        for exercise_id, record in exercises.items():
            ok = (
                isinstance(record, dict)
                and is_step(record.get("attempts"))
                and is_step(record.get("hints_used"))
                and (record.get("first_pass") is None or isinstance(record.get("first_pass"), str))
                and isinstance(record.get("passed"), bool)
                and isinstance(record.get("solution_seen", False), bool)
                and isinstance(record.get("diagnoses", {}), dict)
                and all(is_step(n) for n in record.get("diagnoses", {}).values())
            )
            if not ok:
                fields = "attempts, hints_used, first_pass, passed"
                return bad(f"{where}.exercises.{exercise_id}", fields)
    return None


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_step(value: Any) -> bool:
    return is_int(value) and value >= 0


def check_step(step: Any) -> None:
    if not is_step(step):
        raise ValueError(f"a step is a whole number >= 0, got {step!r}")


def check_key(value: Any, what: str) -> None:
    # JSON object keys are strings; json.dumps would silently turn 3 into "3".
    if not isinstance(value, str) or not value:
        raise ValueError(f"not a {what}: {value!r}")
