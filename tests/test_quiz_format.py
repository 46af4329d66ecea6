"""The quiz keys F added to the lesson format, as an author meets them in `tutor check`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tutor.content.model import Lesson
from tutor.content.parse import parse_lesson
from tutor.quiz import option_order

LESSON = """---
id: sample
title: Sample
lang: {lang}
---
## Step
```quiz
id: order-matters
type: choice
prompt: Which comes first?
{shuffle}choices:
  - text: one
    correct: true
  - text: two
  - text: three
  - text: four
```
"""


def _write(folder: Path, name: str, lang: str = "en", shuffle: str = "") -> Path:
    path = folder / name
    path.write_text(LESSON.format(lang=lang, shuffle=shuffle), encoding="utf-8")
    return path


def _check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tutor", "check", *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def test_shuffle_false_keeps_the_authors_order_and_the_default_shuffles(tmp_path):
    fixed = parse_lesson(_write(tmp_path, "01-a.md", shuffle="shuffle: false\n"))
    shuffled = parse_lesson(_write(tmp_path, "02-b.md"))
    assert isinstance(fixed, Lesson) and isinstance(shuffled, Lesson)
    (quiz,) = fixed.quizzes()
    assert not quiz.shuffle
    assert {option_order(quiz, seed) for seed in range(30)} == {(0, 1, 2, 3)}
    (other,) = shuffled.quizzes()
    assert other.shuffle and len({option_order(other, seed) for seed in range(30)}) > 5


def test_check_reports_a_shuffle_that_is_not_true_or_false_at_its_line(tmp_path):
    path = _write(tmp_path, "01-a.md", shuffle="shuffle: sometimes\n")
    result = _check(path)
    assert result.returncode == 1
    assert f"{path}:11:10: error: shuffle must be true" in result.stdout + result.stderr


def test_check_reports_shuffle_on_a_number_quiz(tmp_path):
    path = tmp_path / "01-a.md"
    path.write_text(LESSON.split("```quiz")[0] + "```quiz\nid: n\ntype: number\nprompt: How many?\n"
                    "answer: 3\nshuffle: false\n```\n", encoding="utf-8")
    result = _check(path)
    assert result.returncode == 1
    assert "'shuffle' belongs to choice quizzes" in result.stdout + result.stderr


def test_check_reports_a_translation_whose_shuffle_differs(tmp_path):
    # a learner who switches language must see the options in the same order
    _write(tmp_path, "01-a.md", shuffle="shuffle: false\n")
    _write(tmp_path, "01-a.zh.md", lang="zh")
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "shuffle is true here but false there" in result.stdout + result.stderr
