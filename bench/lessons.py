"""How long loading lessons takes: 1,000 generated lesson files in a temporary folder.

Each generated lesson looks like a built-in one (four steps: prose, a show= block, a code cell,
an experiment with editable parameters and a sweep, three quizzes of every type, an exercise),
half of them in English and half their Chinese translations, so the cross-file checks (duplicate
ids, translations against originals) run as they do on a real course. Prints the best of
--repeat loads of the whole folder, per file, and the built-in course beside it.

    .venv/bin/python bench/lessons.py [--files 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

# run from a checkout without installing: the repository root holds the tutor package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tutor.content.discover import builtin_lessons_dir, lesson_files, load_course  # noqa: E402

_TEXT = {
    "en": ("Lesson {i}", "Why minibatches", "Each step of SGD needs a gradient; a minibatch of "
           "`batch_size` samples gives a cheap estimate of it.", "Try it", "Your turn"),
    "zh": ("第 {i} 课", "为什么用小批量", "SGD 的每一步都需要梯度；`batch_size` 个样本的小批量能以很小的"
           "代价估计它。", "动手试试", "轮到你了"),
}


def lesson_text(i: int, lang: str) -> str:
    """A valid lesson of the size of a built-in one; the zh version is a valid translation."""
    title, why, prose, try_it, your_turn = _TEXT[lang]
    lesson_id = f"lesson-{i}"
    return f"""---
id: {lesson_id}
title: {title.format(i=i)}
lang: {lang}
---
## {why}

{prose}
{prose}

```python show=tutor.scratch.data.data_iter
```

```python run
X, y = next(data_iter(10, features, labels))
X.shape, y.shape
```

## {try_it}

{prose}

```experiment
run: train
params: {{lr: 0.03, batch_size: 10, num_epochs: 3}}
editable: [lr, batch_size, num_epochs]
```

```experiment
run: learning_rates
params: {{lrs: [0.01, 0.1, 1.0]}}
view: path
```

```quiz
id: {lesson_id}-last-batch
type: number
prompt: 1000 samples, batch_size 64. How many samples are in the last batch?
answer: 40
hint: 1000 = 15 * 64 + ...
explain: |
  The last slice is shorter; `sgd` still divides by 64, so that step is 40/64 as large.
```

```quiz
id: {lesson_id}-shuffle
type: choice
prompt: Why does `data_iter` shuffle?
choices:
  - text: {prose}
    correct: true
    why: {prose}
  - text: So that slicing past the end does not raise.
    why: Slicing past the end of a list never raises.
  - text: It does not matter.
hint: {prose}
explain: {prose}
```

```quiz
id: {lesson_id}-method
type: text
prompt: Which method gives y the shape of y_hat?
accept: [reshape, y.reshape]
pattern: '(y\\.)?reshape(\\(.*\\))?'
```

## {your_turn}

```exercise
id: {lesson_id}-data-iter
implements: tutor.scratch.data.data_iter
starter: |
  def data_iter(batch_size, features, labels):
      # yield (X, y) minibatches covering every sample once, in a random order
      ...
hints:
  - Shuffle a list of indices, not the tensors themselves.
  - Step through the shuffled indices with range(0, num_examples, batch_size).
  - The last slice may be shorter; slicing past the end of a list is safe.
then: {{run: train, params: {{lr: 0.03, batch_size: 64, num_epochs: 3}}}}
```
"""


def write_course(folder: Path, files: int) -> None:
    """`files` lesson files: originals and their zh translations, numbered in course order."""
    for n in range(files):
        i, lang = n // 2 + 1, ("en", "zh")[n % 2]
        suffix = "" if lang == "en" else ".zh"
        (folder / f"{i:04d}-lesson{suffix}.md").write_text(lesson_text(i, lang), encoding="utf-8")


def best_load_time(folder: Path, repeat: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        course = load_course(folder)
        best = min(best, time.perf_counter() - start)
        if course.broken:
            raise SystemExit(f"generated lesson is broken: {course.broken[0].errors[0]}")
        count = len(course.lessons)
    return best, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_course(folder, args.files)
        seconds, count = best_load_time(folder, args.repeat)
    print(f"generated course: {count} lesson files loaded in {seconds * 1000:.0f} ms "
          f"({seconds / count * 1000:.2f} ms per file, best of {args.repeat})")
    builtin = builtin_lessons_dir()
    if builtin.is_dir() and lesson_files(builtin):
        seconds, count = best_load_time(builtin, args.repeat)
        print(f"built-in course:  {count} lesson files loaded in {seconds * 1000:.1f} ms "
              f"({seconds / count * 1000:.2f} ms per file, best of {args.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
