"""When the learner may ask for an exercise's solution; torch-free, for every front end."""

from __future__ import annotations

from tutor.content.model import Exercise


def solution_available(exercise: Exercise, hints_seen: int, passed: bool = False) -> bool:
    """Whether a front end may offer the solution now (it is shown only when asked for).

    `reveal: after-hints` (the default) waits until every hint was shown, as rustlings and
    futurecoder do: the hints are the teaching, the solution the last resort. A learner whose
    function passed may compare it with the author's, unless the rule is `never`.
    """
    if not exercise.solution or exercise.reveal == "never":
        return False
    if exercise.reveal == "always" or passed:
        return True
    return hints_seen >= len(exercise.hints)
