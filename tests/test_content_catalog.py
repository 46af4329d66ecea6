"""The experiment catalogue: what a learner types is accepted or refused in plain words, the
core's real source is read without torch, and the authoring guide lists every experiment."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tutor.content.catalog import (
    CORE_FUNCTIONS,
    EXPERIMENT_PARAMS,
    PRACTICE_TARGETS,
    defaults,
    show_targets,
    source_of,
    validate_params,
    validate_value,
)

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "lessons" / "README.md"
TRAIN = EXPERIMENT_PARAMS["train"]


@pytest.mark.parametrize("typed, value", [
    ("10", 10), (" 64 ", 64), ("1e3", 1000), ("100.0", 100), (32, 32), (7.0, 7)])
def test_batch_size_accepts_whole_numbers_however_written(typed, value):
    got, problem = validate_value(TRAIN["batch_size"], typed)
    assert problem is None and got == value and type(got) is int


@pytest.mark.parametrize("typed, message", [
    ("abc", "batch size must be a whole number between 1 and 1000"),
    ("-1", "batch size must be a whole number between 1 and 1000"),
    ("0", "batch size must be a whole number between 1 and 1000"),
    ("2.5", "batch size must be a whole number between 1 and 1000"),
    ("1001", "batch size must be a whole number between 1 and 1000"),
    ("", "batch size must be a whole number between 1 and 1000"),
    ("1e309", "batch size is too large: it must be a whole number between 1 and 1000"),
    ("-1e309", "batch size is too small"),
    ("nan", "batch size must be a whole number between 1 and 1000, not nan"),
    (True, "batch size must be a whole number"),
])
def test_batch_size_refusals_say_what_is_allowed(typed, message):
    value, problem = validate_value(TRAIN["batch_size"], typed)
    assert value is None and problem.startswith(message)


@pytest.mark.parametrize("typed, problem", [
    ("0.03", None), ("1e-3", None), ("100", None),
    ("0", "learning rate must be a number greater than 0 and at most 100"),
    ("-0.1", "learning rate must be a number greater than 0 and at most 100"),
    ("1e309", "learning rate is too large: it must be a number greater than 0 and at most 100"),
    ("inf", "learning rate is too large: it must be a number greater than 0 and at most 100"),
    ("NaN", "learning rate must be a number greater than 0 and at most 100, not nan"),
    ("abc", "learning rate must be a number greater than 0 and at most 100"),
])
def test_learning_rate(typed, problem):
    value, got = validate_value(TRAIN["lr"], typed)
    assert got == problem
    if problem is None:
        assert value == float(typed)


def test_other_parameter_types():
    assert validate_value(TRAIN["init"], "zeros") == ("zeros", None)
    assert validate_value(TRAIN["init"], "zero") == (None, "init must be one of: normal, zeros")
    assert validate_value(TRAIN["record_path"], "yes") == (True, None)
    assert validate_value(TRAIN["record_path"], False) == (False, None)
    assert validate_value(TRAIN["record_path"], "maybe")[1] == "record path must be true or false"
    lrs = EXPERIMENT_PARAMS["learning_rates"]["lrs"]
    assert validate_value(lrs, "0.01, 0.1 1") == ([0.01, 0.1, 1.0], None)
    assert validate_value(lrs, "[0.03]") == ([0.03], None)
    assert validate_value(lrs, [0.1, "1e-2"]) == ([0.1, 0.01], None)
    assert validate_value(lrs, "0.1, -1")[1].startswith("value 2 of learning rates must be a number "
                                                        "greater than 0")
    assert validate_value(lrs, "")[1].startswith("learning rates must be a list of 1 to 10 numbers")
    assert validate_value(lrs, [0.1] * 11)[0] is None


def test_every_default_is_valid_under_its_own_rules():
    for run, specs in EXPERIMENT_PARAMS.items():
        for name, spec in specs.items():
            assert spec.name == name
            assert validate_value(spec, spec.default) == (spec.default, None), (run, name)
        assert validate_params(run, defaults(run)) == [], run


def test_a_batch_larger_than_the_data_is_reported_on_batch_size():
    assert validate_params("train", {"num_examples": "100", "batch_size": "200"}) == [
        ("batch_size", "batch size (200) must not be larger than the number of examples (100)")]
    assert validate_params("remainder", {"num_examples": 50}) == [
        ("batch_size", "batch size (64) must not be larger than the number of examples (50)")]
    assert validate_params("reshape", {"n": 5}) == [
        ("batch_size", "batch size (10) must not be larger than the number of examples (5)")]
    assert validate_params("train", {"num_examples": 100, "batch_size": 100}) == []


def test_runs_that_would_take_too_many_steps_are_refused():
    (problem,) = validate_params("train", {"num_examples": 100000, "batch_size": 1, "num_epochs": 3})
    assert problem[0] == "batch_size" and "300000 steps" in problem[1]


def test_validate_params_reports_unknown_runs_params_and_bad_values_together():
    assert validate_params("trian", {})[0][0] == "run"
    assert validate_params("train", {"lrr": 1, "lr": "abc"}) == [
        ("lrr", "train has no parameter 'lrr'; its parameters: lr, batch_size, num_epochs, "
                "num_examples, init, noise, record_path"),
        ("lr", "learning rate must be a number greater than 0 and at most 100")]


def test_practice_targets_are_the_five_core_functions_with_a_check():
    assert PRACTICE_TARGETS == (
        "tutor.scratch.data.synthetic_data", "tutor.scratch.data.data_iter",
        "tutor.scratch.model.linreg", "tutor.scratch.model.squared_loss",
        "tutor.scratch.model.sgd")
    assert set(PRACTICE_TARGETS) <= set(CORE_FUNCTIONS) <= set(show_targets())


@pytest.mark.parametrize("dotted", CORE_FUNCTIONS)
def test_source_of_reads_the_real_definition_from_the_core_file(dotted):
    module, _, name = dotted.rpartition(".")
    source = source_of(dotted)
    tree = ast.parse(source)
    assert [type(n) for n in tree.body] == [ast.FunctionDef] and tree.body[0].name == name
    file_text = (ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8")
    assert source.rstrip() in file_text


def test_source_of_the_book_sgd_is_the_book_code():
    source = source_of("tutor.scratch.model.sgd")
    assert "with torch.no_grad():" in source
    assert re.search(r"param -= lr \* param\.grad / batch_size", source)
    assert "param.grad.zero_()" in source


def test_source_of_unknown_names_raises_lookup_error():
    with pytest.raises(LookupError, match="no function 'nope'"):
        source_of("tutor.scratch.model.nope")
    with pytest.raises(LookupError, match="no module"):
        source_of("tutor.scratch.nothing.sgd")


def test_content_imports_neither_torch_nor_textual():
    code = (
        "import sys\n"
        "import tutor.content.parse, tutor.content.check, tutor.content.discover, tutor.content.catalog\n"
        "from tutor.content.catalog import source_of, show_targets\n"
        "from tutor.content.discover import discover\n"
        "source_of('tutor.scratch.model.sgd'); show_targets(); discover([], None)\n"
        "print(sorted(m for m in ('torch', 'textual') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def guide_sections() -> dict[str, str]:
    """The guide's catalogue: experiment name -> the text of its section."""
    text = GUIDE.read_text(encoding="utf-8")
    catalogue = text.split("### The experiment catalogue", 1)[1].split("\n## ", 1)[0]
    parts = re.split(r"^\*\*`(\w+)`\*\*", catalogue, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_the_guide_documents_every_experiment_and_parameter_with_its_default():
    sections = guide_sections()
    assert list(sections) == list(EXPERIMENT_PARAMS)
    for run, specs in EXPERIMENT_PARAMS.items():
        rows = {m.group(1): m.group(2).strip()
                for m in re.finditer(r"^\| `(\w+)` \| ([^|]*) \|", sections[run], flags=re.M)}
        assert list(rows) == list(specs), run
        for name, spec in specs.items():
            assert yaml.safe_load(rows[name]) == spec.default, (run, name)


def lesson_examples() -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    return re.findall(r"^`````markdown\n(.*?)^`````$", text, flags=re.M | re.S)


def test_the_guide_full_example_is_a_valid_lesson(tmp_path):
    from tutor.content.model import Lesson
    from tutor.content.parse import parse_lesson

    (example,) = lesson_examples()
    path = tmp_path / "02-minibatches.md"
    path.write_text(example, encoding="utf-8")
    lesson = parse_lesson(path)
    assert isinstance(lesson, Lesson), [str(e) for e in lesson.errors]
    assert {type(b).__name__ for s in lesson.steps for b in s.blocks} == {
        "Prose", "Code", "Experiment", "Quiz", "Exercise"}


def test_the_guide_quiz_examples_are_valid(tmp_path):
    from tutor.content.model import Lesson
    from tutor.content.parse import parse_lesson

    text = GUIDE.read_text(encoding="utf-8")
    quizzes = re.findall(r"^(```quiz\n.*?^```)$", text, flags=re.M | re.S)
    assert len(quizzes) >= 5
    body = "---\nid: guide\ntitle: Guide\nlang: en\n---\n## Quizzes\n\n" + "\n\n".join(quizzes)
    path = tmp_path / "guide.md"
    lesson = parse_lesson(path, body)
    assert isinstance(lesson, Lesson), [str(e) for e in lesson.errors]
    assert {q.type for q in lesson.quizzes()} == {"choice", "number", "text"}


def test_an_integer_too_large_for_a_float_is_too_large_not_a_crash():
    from tutor.content.catalog import EXPERIMENT_PARAMS, validate_value

    huge = int("1" + "0" * 400)
    _, message = validate_value(EXPERIMENT_PARAMS["train"]["lr"], huge)
    assert "too large" in message
    _, message = validate_value(EXPERIMENT_PARAMS["train"]["lr"], str(huge))
    assert "too large" in message


def test_a_lesson_with_a_huge_integer_answer_is_a_lesson_error(tmp_path):
    from tutor.content.model import BrokenLesson
    from tutor.content.parse import parse_lesson

    path = tmp_path / "01-huge.md"
    path.write_text(
        "---\nid: huge\ntitle: Huge\nlang: en\n---\n## Step\n```quiz\nid: huge-q\ntype: number\n"
        "prompt: How many?\nanswer: 1" + "0" * 400 + "\n```\n\n```experiment\nrun: train\n"
        "params: {num_epochs: 1" + "0" * 400 + "}\n```\n",
        encoding="utf-8",
    )
    lesson = parse_lesson(path)
    assert isinstance(lesson, BrokenLesson)
    assert [e.where.line for e in lesson.errors] == [11, 16]  # the answer line, the params line


def test_a_learner_reading_chinese_gets_the_messages_in_chinese():
    assert validate_value(TRAIN["lr"], "abc", "zh")[1] == "学习率必须是大于 0 且不超过 100 的数"
    assert validate_value(TRAIN["batch_size"], "1e309", "zh")[1] == "批量大小太大了：必须是介于 1 和 1000 之间的整数"
    assert validate_params("train", {"num_examples": 100, "batch_size": 500}, "zh") == [
        ("batch_size", "批量大小（500）不能大于样本数（100）")
    ]
