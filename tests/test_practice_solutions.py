"""Exercise solutions and what the diagnoses may say.

Every built-in exercise, in each language, has a `solution:` that passes its own check; the
solution is offered only as the reveal rule allows; and no diagnosis of a wrong function prints
a line of the solution's code (the learner's own line, quoted as "line N: ...", is theirs).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.course_helpers import LESSONS
from tutor.content.model import Exercise, Where
from tutor.content.parse import parse_lesson
from tutor.practice.checks import check_source
from tutor.practice.reveal import solution_available


def _exercises() -> list[tuple[str, Exercise]]:
    found = []
    for path in sorted(LESSONS.glob("*.md")):
        lesson = parse_lesson(path)
        for exercise in getattr(lesson, "exercises", lambda: [])():
            found.append((path.name, exercise))
    return found


EXERCISES = _exercises()
IDS = [f"{name}:{exercise.id}" for name, exercise in EXERCISES]


def test_the_course_has_its_five_exercises_in_both_languages():
    assert sorted({e.id for _, e in EXERCISES}) == [
        "data-iter", "linreg", "sgd", "squared-loss", "synthetic-data"]
    assert len(EXERCISES) == 10


@pytest.mark.parametrize("name, exercise", EXERCISES, ids=IDS)
def test_every_solution_passes_its_own_check(name, exercise):
    assert exercise.solution, f"{name}: exercise {exercise.id} has no solution"
    result = check_source(exercise.implements, exercise.solution)
    assert result.passed, f"{name}: {result.message}"


def _body_lines(solution: str) -> list[str]:
    """The solution's code lines after its def and docstring: what would give the answer away."""
    code = re.sub(r'"""[\s\S]*?"""', "", solution)
    return [line.strip() for line in code.splitlines()
            if line.strip() and not line.strip().startswith(("def ", "#"))]


def _told(message: str) -> str:
    """The diagnosis without the quote of the learner's own line."""
    return "\n".join(line for line in message.splitlines() if not re.match(r"\s*line \d+: ", line))


def _mistakes(exercise: Exercise) -> list[str]:
    """The untouched starter, and the solution with one common mistake each."""
    solution = exercise.solution
    swaps = {
        "synthetic-data": [("y.reshape((-1, 1))", "y"), ("torch.matmul(X, w) + b", "torch.matmul(X, w)"),
                           ("torch.normal(0, 0.01", "torch.normal(0, 0.1"),
                           ("return X, y.reshape((-1, 1))", "return X")],
        "data-iter": [("random.shuffle(indices)", "pass"),
                      ("yield features[batch_indices], labels[batch_indices]",
                       "return features[batch_indices], labels[batch_indices]"),
                      ("range(0, num_examples, batch_size)",
                       "range(0, num_examples - batch_size, batch_size)")],
        "linreg": [("return torch.matmul(X, w) + b", "return torch.matmul(X, w)"),
                   ("return torch.matmul(X, w) + b", "return X * w + b")],
        "squared-loss": [("y.reshape(y_hat.shape)", "y"), (" / 2", ""),
                         ("** 2 / 2", ".abs() / 2")],
        "sgd": [("param -= lr * param.grad / batch_size", "param -= lr * param.grad"),
                ("param -= lr * param.grad / batch_size", "param += lr * param.grad / batch_size"),
                ("        param.grad.zero_()\n", ""),
                ("with torch.no_grad():\n", "if True:\n")],
    }[exercise.id]
    mistakes = [exercise.starter]
    for old, new in swaps:
        assert old in solution, (exercise.id, old)
        mistakes.append(solution.replace(old, new, 1))
    return mistakes


@pytest.mark.parametrize("name, exercise", [(n, e) for n, e in EXERCISES if n.count(".") == 1],
                         ids=[i for (n, _), i in zip(EXERCISES, IDS) if n.count(".") == 1])
def test_no_diagnosis_prints_the_solutions_code(name, exercise):
    body = _body_lines(exercise.solution)
    for source in _mistakes(exercise):
        result = check_source(exercise.implements, source)
        assert not result.passed, source
        told = _told(result.message)
        for line in body:
            assert line not in told, f"{exercise.id}: the diagnosis gives away {line!r}:\n{told}"


@pytest.mark.parametrize("name, exercise", [(n, e) for n, e in EXERCISES if n.count(".") == 1],
                         ids=[i for (n, _), i in zip(EXERCISES, IDS) if n.count(".") == 1])
def test_the_untouched_starter_is_told_what_is_missing(name, exercise):
    told = {
        "synthetic-data": "returned None, so it has no return yet",
        "linreg": "returned None, so it has no return yet",
        "squared-loss": "returned None, so it has no return yet",
        "data-iter": "returned None: it should be a generator that yields the batches",
        "sgd": "your sgd did nothing",
    }[exercise.id]
    assert told in check_source(exercise.implements, exercise.starter).message


# ---- when the solution is offered ---------------------------------------------------------------

def _exercise(reveal: str, solution: str = "def f():\n    return 1\n") -> Exercise:
    return Exercise("e", "tutor.scratch.model.linreg", "def f():\n    ...\n", Where(Path("x.md")),
                    hints=["one", "two"], solution=solution, reveal=reveal)


def test_after_hints_offers_the_solution_only_once_every_hint_was_shown():
    exercise = _exercise("after-hints")
    assert [solution_available(exercise, seen) for seen in (0, 1, 2, 3)] == [False, False, True, True]
    assert solution_available(exercise, 0, passed=True)  # a learner who passed may compare


def test_always_and_never_and_no_solution():
    assert solution_available(_exercise("always"), 0)
    assert not solution_available(_exercise("never"), 2, passed=True)
    assert not solution_available(_exercise("always", solution=""), 2)


def test_every_built_in_exercise_reveals_after_the_hints():
    assert {e.reveal for _, e in EXERCISES} == {"after-hints"}


# ---- the format, as `tutor check` reports it ------------------------------------------------------

BLOCK = """---
id: x
title: X
lang: en
---
## Step
```exercise
id: lin
implements: tutor.scratch.model.linreg
starter: |
  def linreg(X, w, b):
      ...
hints:
  - Multiply.
{extra}
```
"""


def _errors(tmp_path: Path, extra: str) -> list[str]:
    path = tmp_path / "01-x.md"
    path.write_text(BLOCK.format(extra=extra), encoding="utf-8")
    lesson = parse_lesson(path)
    return [str(e) for e in getattr(lesson, "errors", [])]


def test_a_solution_and_a_reveal_rule_are_read(tmp_path):
    path = tmp_path / "01-x.md"
    path.write_text(BLOCK.format(extra="solution: |\n  def linreg(X, w, b):\n      return X @ w + b\n"
                                       "reveal: always"), encoding="utf-8")
    (exercise,) = parse_lesson(path).exercises()
    assert exercise.solution.startswith("def linreg(X, w, b):") and exercise.reveal == "always"


@pytest.mark.parametrize("extra, message", [
    ("reveal: always", "there is no solution:"),
    ("solution: |\n  def linreg(X, w, b):\n      return X @ w + b\nreveal: sometimes",
     "unknown reveal rule 'sometimes'; the solution can be shown after-hints"),
    ("solution: |\n  def linreg(X, w, b)\n      return X @ w + b", "the solution is not valid Python"),
    ("solution: |\n  def lin(X, w, b):\n      return X @ w + b", "the solution must define linreg(...)"),
    ("solution: |\n  def linreg(X, w, b):\n      return X @ w + b\nreveal: afterhints",
     "did you mean 'after-hints'"),
])
def test_a_wrong_solution_or_reveal_rule_is_an_error_at_its_line(tmp_path, extra, message):
    errors = _errors(tmp_path, extra)
    assert any(message in e for e in errors), errors
    assert all(re.match(r".*01-x\.md:\d+:\d+: error: ", e) for e in errors), errors


def test_a_translation_must_offer_the_solution_as_its_original_does(tmp_path):
    solution = "solution: |\n  def linreg(X, w, b):\n      return X @ w + b\n"
    (tmp_path / "01-x.md").write_text(BLOCK.format(extra=solution + "reveal: always"), encoding="utf-8")
    (tmp_path / "01-x.zh.md").write_text(BLOCK.replace("lang: en", "lang: zh").format(extra=solution),
                                         encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "tutor", "check", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert ("exercise 'lin' has reveal: after-hints here but reveal: always in the original"
            in result.stdout + result.stderr)
