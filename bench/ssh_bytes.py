"""Bytes the tutor writes to its terminal, per second, through a real PTY: what a learner's slow
SSH link has to carry.

    .venv/bin/python bench/ssh_bytes.py

Measured in one run, at 80x24:
- idle on prose (command mode, nothing focused that blinks), over 10 s, on lesson 07;
- idle with lesson 07's code cell editor focused, its cursor blinking, over 10 s;
- the same with the blink turned off (TUTOR_NO_BLINK=1), over 10 s;
- while a learning-rate sweep trains for 20 epochs and plots live (seven curves, several
  seconds), over the run without its first and last second (the steady live redraws; the whole
  run, with the final full drawing of plot, facts and words, is printed too).
Goals (issue 14): at most 20 KB/s live, 0 B/s idle on prose.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pty_learner import PtyLearner  # noqa: E402

from tutor.content.discover import discover  # noqa: E402
from tutor.content.model import Code  # noqa: E402

IDLE_SECONDS = 10.0
LESSONS = discover([], None)[0].in_language("en")


def lesson_index(stem: str) -> int:
    """Down presses on the home screen from its first line to this lesson."""
    return 1 + [lesson.stem for lesson in LESSONS].index(stem)


def first_step_with(stem: str, kind) -> int:
    lesson = LESSONS[lesson_index(stem) - 1]
    return next(i for i, step in enumerate(lesson.steps) if any(kind(b) for b in step.blocks))


def rate(learner: PtyLearner, seconds: float) -> float:
    start = time.monotonic()
    time.sleep(seconds)
    return learner.bytes_between(start, start + seconds) / seconds


LIVE_LESSON = """---
id: bench-live
title: A long sweep
lang: en
---
## Live
```experiment
run: learning_rates
params: {num_epochs: 20}
```
"""


def open_lesson(data_dir: Path, blink: bool, stem: str, course: Path | None = None) -> PtyLearner:
    """The app at 80x24 with `stem` open (the extra course's one lesson: stem "" and `course`)."""
    env = {"LANG": "en_US.UTF-8", **({} if blink else {"TUTOR_NO_BLINK": "1"})}
    extra = ["--lessons", str(course)] if course else []
    learner = PtyLearner([sys.executable, "-m", "tutor", "--data-dir", str(data_dir), *extra], env=env)
    learner.wait_for("Linear regression from scratch", timeout=120)
    learner.press(*(["end"] if course else ["down"] * lesson_index(stem)), "enter")
    learner.wait_for("step 1 of", timeout=60)
    learner.wait_for("kernel: ready", timeout=300)
    time.sleep(1.0)  # let the last redraw of the status settle
    return learner


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="tutor-bytes-"))
    is_cell = lambda block: isinstance(block, Code) and block.kind == "run"  # noqa: E731
    assert first_step_with("07-training", is_cell) == 0
    learner = open_lesson(work / "a", blink=True, stem="07-training")
    try:
        prose = rate(learner, IDLE_SECONDS)
        learner.press("enter")  # edit mode in the step's code cell: the cursor blinks
        time.sleep(1.0)
        editor = rate(learner, IDLE_SECONDS)
    finally:
        learner.close()
    course = work / "course"
    course.mkdir()
    (course / "01-live.md").write_text(LIVE_LESSON, "utf-8")
    learner = open_lesson(work / "c", blink=True, stem="", course=course)
    try:
        time.sleep(1.0)
        start = time.monotonic()
        learner.press("r")
        learner.wait_for("done in", timeout=600)
        end = time.monotonic()
        whole = learner.bytes_between(start, end) / (end - start)
        live = learner.bytes_between(start + 1, end - 1) / max(end - start - 2, 1e-9)
    finally:
        learner.close()
    quiet = open_lesson(work / "b", blink=False, stem="07-training")
    try:
        quiet.press("enter")
        time.sleep(1.0)
        editor_still = rate(quiet, IDLE_SECONDS)
    finally:
        quiet.close()

    print("bytes written to the terminal (80x24, real PTY)")
    print(f"  idle on prose              {prose:8.1f} B/s   (goal 0)")
    print(f"  idle, editor focused       {editor:8.1f} B/s   (cursor blink)")
    print(f"  idle, editor, no blink     {editor_still:8.1f} B/s   (TUTOR_NO_BLINK=1)")
    print(f"  experiment plotting live   {live / 1024:8.2f} KB/s  steady, over {end - start - 2:.1f} s (goal <= 20 KB/s)")
    print(f"  the whole run              {whole / 1024:8.2f} KB/s  with its final drawing, over {end - start:.1f} s")
    print(f"  live / goal = {live / 1024 / 20:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
