"""The experiment block's `x:` key: what the loss is plotted against, checked by `tutor check`."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tutor.content.model import BrokenLesson, Experiment, Lesson
from tutor.content.parse import parse_lesson

FRONT = "---\nid: demo\ntitle: Demo lesson\nlang: en\n---\n"


def read(block: str) -> Lesson | BrokenLesson:
    return parse_lesson(Path("01-demo.md"), FRONT + "## One\n\n```experiment\n" + textwrap.dedent(block) + "```\n")


def test_a_batch_size_sweep_may_be_plotted_against_the_examples_seen():
    lesson = read("run: train\nsweep: {batch_size: [10, 100, 1000]}\nx: examples\n")
    assert isinstance(lesson, Lesson)
    (experiment,) = [b for s in lesson.steps for b in s.blocks if isinstance(b, Experiment)]
    assert experiment.x_axis == "examples"
    plain = read("run: train\n")
    assert isinstance(plain, Lesson) and plain.steps[0].blocks[-1].x_axis == "step"


def test_an_unknown_axis_is_refused_with_the_allowed_ones_at_its_line():
    lesson = read("run: train\nx: epochs\n")
    assert isinstance(lesson, BrokenLesson)
    (error,) = [str(e) for e in lesson.errors]
    assert "01-demo.md:10:" in error and "did you mean 'epoch'" in error and "examples" in error


def test_an_experiment_without_minibatches_has_no_epoch_axis():
    lesson = read("run: planck\nx: epoch\n")
    assert isinstance(lesson, BrokenLesson)
    assert "planck does not train in minibatches" in str(lesson.errors[0])
