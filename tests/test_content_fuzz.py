"""Whatever a lesson file holds, loading it gives a Lesson or a BrokenLesson whose errors point
at real lines; never any other exception (a crash would take the whole course list down)."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.content.model import BrokenLesson, Lesson
from tutor.content.parse import decode, parse_lesson

PATH = Path("lessons/03-fuzz.md")

VALID = """\
---
id: fuzz
title: Fuzz
lang: en
---
Intro.

## Code
```python show=tutor.scratch.model.sgd
```

```python run
X, y = next(data_iter(10, features, labels))
```

## Run
```experiment
run: train
params: {lr: 0.03, batch_size: 10, num_epochs: 3, record_path: true}
editable: [lr, batch_size]
view: path
```

```experiment
run: learning_rates
sweep:
  batch_size: [10, 100]
```

````quiz
id: fuzz-choice
type: choice
prompt: |
  Which?
  ```python
  print(1)
  ```
choices:
  - text: a
    correct: true
    why: because
  - b
hint: think
explain: so
````

~~~quiz
id: fuzz-number
type: number
prompt: How many?
answer: 40
tolerance: 0.5
~~~

```quiz
id: fuzz-text
type: text
prompt: Which method?
accept: [reshape]
pattern: '(y\\.)?reshape'
```

## Exercise
```exercise
id: fuzz-exercise
implements: tutor.scratch.model.squared_loss
starter: |
  def squared_loss(y_hat, y):
      ...
hints:
  - Reshape y.
then: {run: train, params: {batch_size: 64}}
```
"""

FRAGMENTS = [
    "---", "id: fuzz", "title: T", "lang: en", "lang: zh", "## Step", "##", "```", "````", "~~~",
    "```quiz", "```experiment", "```exercise", "```python run", "```python show=tutor.scratch.model.sgd",
    "```quizz", "id: q", "type: choice", "type: number", "type: text", "prompt: p", "choices:",
    "  - text: a", "    correct: true", "  - b", "answer: a", "answer: 40", "tolerance: -1",
    "accept: [a]", "pattern: '('", "run: train", "params: {lr: 1e309, batch_size: 0}",
    "sweep: {lr: [1, 2]}", "editable: [lr]", "view: path", "implements: tutor.scratch.model.sgd",
    "starter: |", "  def sgd(params, lr, batch_size):", "hints: []", "then: {run: train}",
    "key: &a [*a]", "x: !!python/object:os.system {}", "a: !!int abc", "b: !!float x", "? [k]",
    "\t- tab", "\x00", "\u2028", "\r", "  ", "",
]


def assert_well_formed(result, text: str) -> None:
    assert isinstance(result, (Lesson, BrokenLesson))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    last = max(1, len(lines))
    if isinstance(result, BrokenLesson):
        assert result.errors
        for error in result.errors:
            assert error.where.path == PATH
            assert 1 <= error.where.line <= last, str(error)
            assert error.where.col >= 1
            assert isinstance(error.message, str) and error.message
            assert str(error).startswith(f"{PATH}:{error.where.line}:{error.where.col}: error: ")
    else:
        for step in result.steps:
            assert 1 <= step.where.line <= last
            for block in step.blocks:
                assert 1 <= block.where.line <= last


# TUTOR_FUZZ_EXAMPLES=20000 for a deeper search than the test suite's quick one
FUZZ = settings(max_examples=int(os.environ.get("TUTOR_FUZZ_EXAMPLES", "300")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def test_the_valid_sample_is_valid():
    assert isinstance(parse_lesson(PATH, VALID), Lesson)


@FUZZ
@given(st.text())
def test_arbitrary_text(text):
    assert_well_formed(parse_lesson(PATH, text), text)


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40))
def test_text_made_of_lesson_syntax(parts):
    text = "\n".join(parts)
    assert_well_formed(parse_lesson(PATH, text), text)


def mutate(lines: list[str], data) -> list[str]:
    lines = list(lines)
    for _ in range(data.draw(st.integers(1, 4))):
        if not lines:
            break
        at = data.draw(st.integers(0, len(lines) - 1))
        kind = data.draw(st.sampled_from(
            ["delete", "duplicate", "swap", "insert", "replace", "truncate", "indent", "dedent",
             "char"]))
        if kind == "delete":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = data.draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "insert":
            lines.insert(at, data.draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30))))
        elif kind == "replace":
            lines[at] = data.draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)))
        elif kind == "truncate":
            lines[at] = lines[at][: data.draw(st.integers(0, len(lines[at])))]
            lines = lines[: at + 1]
        elif kind == "indent":
            lines[at] = data.draw(st.sampled_from([" ", "  ", "    ", "\t"])) + lines[at]
        elif kind == "dedent":
            lines[at] = lines[at].lstrip()
        else:
            position = data.draw(st.integers(0, len(lines[at])))
            char = data.draw(st.characters())
            lines[at] = lines[at][:position] + char + lines[at][position + 1:]
    return lines


@FUZZ
@given(st.data())
def test_mutated_valid_lessons(data):
    text = "\n".join(mutate(VALID.split("\n"), data))
    assert_well_formed(parse_lesson(PATH, text), text)


@FUZZ
@given(st.data())
def test_mutated_bytes_are_read_or_refused_as_not_utf8(data):
    raw = bytearray(VALID.encode())
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at:at + 1] = data.draw(st.binary(min_size=0, max_size=3))
    text, problem = decode(PATH, bytes(raw))
    if problem is None:
        assert_well_formed(parse_lesson(PATH, text), text)
    else:
        assert 1 <= problem.where.line <= raw.count(b"\n") + 1
        assert "not UTF-8" in problem.message
