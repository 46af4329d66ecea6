"""Every quiz of the built-in course, graded as a teacher would, in English and in Chinese.

Each test types what learners type: the right answer written the common ways (as the tutor shows
it, rounded as the prompt asks, in another notation, with full-width characters from a Chinese
input method), and the wrong answers that come naturally (the value a learner guesses without
running anything, the wrong rounding, a neighbouring fact). The right values come from the core:
the lesson's own experiment (seed 0, as the app runs it) or its own code cell, never typed in.
The answers are graded by the real grader on the real lesson files.
"""

from __future__ import annotations

import contextlib
import io
import math
import random
import re
from functools import cache

import pytest
import torch

from tests.course_helpers import LESSONS
from tutor.content.model import Code, Experiment, Lesson, Quiz
from tutor.content.parse import parse_lesson
from tutor.quiz import PICKED_RIGHT, PICKED_WRONG, grade

torch.set_num_threads(1)

LANGS = ("en", "zh")


@cache
def _lessons() -> dict[tuple[str, str], Lesson]:
    found = {}
    for path in sorted(LESSONS.glob("[0-9]*.md")):
        lesson = parse_lesson(path)
        assert isinstance(lesson, Lesson), path
        found[(lesson.id, lesson.lang)] = lesson
    return found


def _where(quiz_id: str, lang: str) -> tuple[Lesson, Quiz]:
    for (_, language), lesson in _lessons().items():
        for quiz in lesson.quizzes():
            if quiz.id == quiz_id and language == lang:
                return lesson, quiz
    raise AssertionError(f"no quiz {quiz_id} in {lang}")


def quiz(quiz_id: str, lang: str = "en") -> Quiz:
    return _where(quiz_id, lang)[1]


def _before(lesson: Lesson, quiz_id: str) -> list:
    seen: list = []
    for step in lesson.steps:
        for block in step.blocks:
            if isinstance(block, Quiz) and block.id == quiz_id:
                return seen
            seen.append(block)
    raise AssertionError(quiz_id)


@cache
def _run(run: str, params: str) -> dict:
    from tutor.scratch.exercises import EXPERIMENTS

    return EXPERIMENTS[run](seed=0, **eval(params))["facts"]  # params: repr of a dict we made


def facts(quiz_id: str) -> dict:
    """The facts of the experiment the quiz asks about, as the app runs it: the last one above it,
    or else the lesson's next one."""
    lesson, _ = _where(quiz_id, "en")
    above = [b for b in _before(lesson, quiz_id) if isinstance(b, Experiment)]
    experiment = above[-1] if above else lesson.experiments()[0]
    return _run(experiment.run, repr(dict(sorted(experiment.params.items()))))


def cell(quiz_id: str) -> tuple[dict, str]:
    """The namespace and output of the code cells of the quiz's step above it (one after the other,
    as a learner runs them; in the last step that has one), run as the kernel runs them."""
    from tutor.kernel.server import load_core

    lesson, _ = _where(quiz_id, "en")
    cells: list[Code] = []
    for step in lesson.steps:
        above = _before_in(step, quiz_id)
        runs = [b for b in above if isinstance(b, Code) and b.kind == "run"]
        cells = runs or cells
        if len(above) < len(step.blocks):
            break
    assert cells, f"no code cell above {quiz_id}"
    core, problem = load_core()
    assert problem is None, problem
    namespace = {"__name__": "__main__", "torch": torch, "random": random, "math": math, **core}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for code in cells:
            exec(compile(code.source, "<cell>", "exec"), namespace)
    return namespace, out.getvalue()


def _before_in(step, quiz_id: str) -> list:
    for i, block in enumerate(step.blocks):
        if isinstance(block, Quiz) and block.id == quiz_id:
            return step.blocks[:i]
    return step.blocks


def right(quiz_id: str, *typed: str) -> None:
    for lang in LANGS:
        for answer in typed:
            verdict = grade(quiz(quiz_id, lang), answer)
            assert verdict.valid and verdict.correct, f"{quiz_id} ({lang}): {answer!r} marked wrong"


def wrong(quiz_id: str, *typed: str) -> None:
    for lang in LANGS:
        for answer in typed:
            verdict = grade(quiz(quiz_id, lang), answer)
            assert verdict.valid and not verdict.correct, f"{quiz_id} ({lang}): {answer!r} marked right"


def shown(value: float) -> str:
    """A fact as the tutor shows it: four significant digits."""
    return f"{value:.4g}"


def significant(value: float, digits: int) -> str:
    return f"{float(f'{value:.{digits}g}'):g}" if abs(value) >= 1e-4 else f"{value:.{digits - 1}e}"


def full_width(text: str) -> str:
    """What a Chinese input method types: full-width digits and punctuation."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# ---- number quizzes --------------------------------------------------------------------------------


def test_data_noise_std_is_what_the_cell_measures_not_the_std_asked_for():
    namespace, _ = cell("data-noise-std")
    measured = float(namespace["residual"].std())
    right("data-noise-std", shown(measured), significant(measured, 2), significant(measured, 3),
          f"{measured:.1e}", full_width(significant(measured, 2)))
    # 0.01 is what synthetic_data was asked for; the cell shows what was drawn
    wrong("data-noise-std", "0.01", "0.0001", "0.0095", "0.0097")


def test_data_noise_loss_is_the_runs_final_loss_not_sigma_squared_over_two():
    measured = facts("data-noise-loss")["final_loss"]
    right("data-noise-loss", shown(measured), significant(measured, 2), f"{measured:.2e}",
          "4.6e-3", "4.63/1000")
    # 0.005 is σ²/2 worked out without running; the drawn noise puts the run a little below
    wrong("data-noise-loss", "0.005", "0.01", "0.0047", "0.0045", "5e-5")


def test_minibatches_steps_counts_every_update_of_every_epoch():
    from tutor.scratch.train import train

    history = train(*_book_data(), lr=0.03, batch_size=10, num_epochs=3)
    steps = len(history.step_losses)
    right("minibatches-steps", str(steps), f"{steps}.0", "3e2", full_width(str(steps)))
    wrong("minibatches-steps", "100", "3", "3000", "30")


def _book_data():
    from tutor.kernel.server import load_core

    core, _ = load_core()
    return core["features"], core["labels"]


def test_init_variance_is_the_square_of_the_std():
    namespace, _ = cell("init-variance")
    sample = float(namespace["w"].var())
    right("init-variance", "0.0001", "1e-4", "1/10000", shown(sample), "1E-4")
    wrong("init-variance", "0.01", "0.1", "0.001")


def test_loss_gradient_is_what_autograd_puts_in_y_hat_grad():
    namespace, _ = cell("loss-gradient")
    value = float(namespace["y_hat"].grad)
    right("loss-gradient", shown(value), "2.0", "+2", "２")
    wrong("loss-gradient", "4", "1", "-2", "3")  # 4: the loss without the half


def test_sgd_accumulate_is_twice_the_first_gradient():
    namespace, _ = cell("sgd-accumulate")
    ratios = set((namespace["w"].grad / namespace["first"]).reshape(-1).tolist())
    assert len(ratios) == 1
    (ratio,) = ratios
    right("sgd-accumulate", shown(ratio), "2.0", "200%")
    wrong("sgd-accumulate", "1", "0", "4")


def test_training_final_loss_is_the_runs_not_the_noise_floors_guess():
    measured = facts("training-final-loss")["final_loss"]
    right("training-final-loss", shown(measured), f"{measured:.2e}", f"{measured:.3e}", "4.7e-5",
          "0.000047", "4.7E-05")
    # un-run guesses: the floor 0.01²/2 and a number from memory; and closed_form_loss beside it
    closed = facts("training-final-loss")["closed_form_loss"]
    wrong("training-final-loss", "5e-5", "3.7e-5", "0.00005", "4.6e-5", "4.8e-5")
    assert shown(closed) != shown(measured)


def test_training_spread_is_what_the_cell_measures_not_the_formula():
    _, output = cell("training-spread")
    measured = float(re.search(r"std / mean ([0-9.e-]+)", output).group(1))
    right("training-spread", f"{measured:.2f}", shown(measured))
    # 0.45 is √(2/10), the formula's value, which the run does not show
    wrong("training-spread", "0.45", "0.43", "0.41", "0.5", "1")


def test_evaluation_noise_floor_is_what_the_experiment_shows():
    measured = facts("evaluation-noise-floor")["closed_form_loss"]
    final = facts("evaluation-noise-floor")["final_loss"]
    right("evaluation-noise-floor", shown(measured), significant(measured, 2), shown(final),
          "4.6e-3", "０．００４６")
    wrong("evaluation-noise-floor", "0.005", "0.0055", "0.0045", "0.0047", "5e-5")


def test_zero_init_units_counts_the_different_hidden_units():
    f = facts("zero-init-units")
    assert f["mlp_constant_max_diff"] == 0  # every hidden unit the same: one distinct unit
    right("zero-init-units", "1", "1.0", "１")
    wrong("zero-init-units", "4", "0", "2")


def test_ohm_r_hat_to_three_decimals_is_the_fits_not_the_true_resistance():
    measured = facts("ohm-r-hat")["R_hat"]
    right("ohm-r-hat", f"{measured:.3f}", shown(measured), f"{measured:.5f}", "３．２９９")
    wrong("ohm-r-hat", "3.3", "3.29", "3.30", "3.298", "3.300")


def test_planck_t_hat_is_the_fits_temperature_not_the_true_one():
    measured = facts("planck-t-hat")["T_hat"]
    right("planck-t-hat", f"{measured:.0f}", shown(measured), f"{measured:.2f}")
    wrong("planck-t-hat", "5000", "4997", "2000", "4999")


def test_planck_wien_is_what_the_cell_prints():
    _, output = cell("planck-wien")
    printed = set(re.findall(r"peak × T = (\d+)", output))
    assert len(printed) == 1
    (value,) = printed
    right("planck-wien", value, f"{value}.0", "2897.8")
    wrong("planck-wien", "2897", "2899", "5000", "0.5796")


def test_second_derivative_value_is_autograds():
    f = facts("second-derivatives-value")
    right("second-derivatives-value", shown(f["d2_autograd"]), "9.0", "9")
    wrong("second-derivatives-value", shown(f["d1_autograd"]), "27", "3", "0")


def test_second_derivatives_hessian_is_the_largest_curvature_the_cell_finds():
    namespace, _ = cell("second-derivatives-hessian")
    largest = float(torch.linalg.eigvalsh(namespace["H"]).max())
    right("second-derivatives-hessian", f"{largest:.2f}", shown(largest))
    wrong("second-derivatives-hessian", "1.82", "1", "2", f"{largest + 0.01:.2f}",
          f"{largest - 0.01:.2f}")


def test_second_derivatives_accumulate_adds_two_passes():
    namespace, _ = cell("second-derivatives-accumulate")
    value = float(namespace["x"].grad)
    right("second-derivatives-accumulate", shown(value), "54.0")
    wrong("second-derivatives-accumulate", "27", "108", "18")


def test_reshape_pairs_is_every_prediction_against_every_label():
    f = facts("reshape-pairs")
    rows, cols = (int(n) for n in re.findall(r"\d+", f["broadcast_shape"]))
    right("reshape-pairs", str(rows * cols), "1e2")
    wrong("reshape-pairs", "10", "20", "1")


def test_learning_rate_full_batch_is_the_limit_to_two_decimals():
    measured = facts("learning-rate-full-batch")["full_batch_limit"]
    right("learning-rate-full-batch", f"{measured:.2f}", shown(measured))
    threshold = facts("learning-rate-full-batch")["divergence_threshold"]
    # the wrong roundings, and the measured threshold beside it (a different fact)
    wrong("learning-rate-full-batch", "1.81", "1.83", "2", shown(threshold))


def test_remainder_quizzes_are_the_experiments_numbers():
    last = facts("remainder-batch-last")["last_batch_size"]
    right("remainder-batch-last", str(last), "４０")
    wrong("remainder-batch-last", "64", "24", "15", "0")
    scale = facts("remainder-batch-scale")["last_step_scale"]
    right("remainder-batch-scale", shown(scale), "5/8", "62.5%", "0.625")
    wrong("remainder-batch-scale", "1", "0.6", "1.6")
    small = facts("remainder-batch-small")["last_step_scale"]
    right("remainder-batch-small", f"{small:.2f}", shown(small), "1/3", "33%")
    wrong("remainder-batch-small", "0.34", "0.32", "0.3", "3")


# ---- text quizzes ----------------------------------------------------------------------------------


def _shape_forms(shape: tuple[int, ...]) -> list[str]:
    a, b = shape
    return [f"({a}, {b})", f"({a},{b})", f"[{a}, {b}]", f"[{a},{b}]", f"{a}, {b}", f"{a}x{b}",
            f"{a} × {b}", f"torch.Size([{a}, {b}])", f"torch.size([{a},{b}])", f"`({a}, {b})`",
            full_width(f"({a},{b})"), f"（{a}，{b}）"]


def test_data_label_shape_in_every_common_notation():
    namespace, _ = cell("data-label-shape")
    shape = tuple(namespace["labels"].shape)
    right("data-label-shape", *_shape_forms(shape))
    wrong("data-label-shape", f"({shape[0]},)", str(shape[0]), f"({shape[1]}, {shape[0]})",
          f"({shape[0]}, 2)", f"({shape[0]}, {shape[1]}")


def test_model_shape_in_every_common_notation():
    namespace, _ = cell("model-shape")
    shape = tuple(namespace["y_hat"].shape)
    right("model-shape", *_shape_forms(shape))
    wrong("model-shape", "(10,)", "(10, 2)", "(1, 10)", "(10, 10)")


def test_reshape_shape_in_every_common_notation():
    f = facts("reshape-shape")
    shape = tuple(int(n) for n in re.findall(r"\d+", f["broadcast_shape"]))
    right("reshape-shape", *_shape_forms(shape))
    wrong("reshape-shape", "(10, 1)", "(10,)", "(100,)", "(1, 10)")


def test_second_derivatives_error_names_the_exception_as_learners_write_it():
    raised = facts("second-derivatives-error")["retain_graph_only"]
    name = raised.split(":")[0]
    right("second-derivatives-error", name, raised, f"a {name}", "runtime error", "a runtime error",
          f"`{name}`", f"torch.{name}", f"{name}.", name.lower())
    wrong("second-derivatives-error", "TypeError", "no error", "an error", "RuntimeWarning",
          "ValueError: element 0 of tensors does not require grad")
    assert grade(quiz("second-derivatives-error", "zh"), "运行时错误").correct


def test_second_derivatives_flag():
    right("second-derivatives-flag", "create_graph", "create_graph=True", "create_graph = True",
          "`create_graph=True`", "create_graph=true")
    wrong("second-derivatives-flag", "retain_graph", "retain_graph=True", "requires_grad=True")


def test_zero_init_symmetry():
    right("zero-init-symmetry", "symmetry", "Symmetry.", "the symmetry")
    wrong("zero-init-symmetry", "tie", "zero", "gradient")
    assert grade(quiz("zero-init-symmetry", "zh"), "对称性").correct


# ---- choice quizzes --------------------------------------------------------------------------------


def _choice_quizzes() -> list[tuple[str, Quiz]]:
    return [(lesson.lang, q) for lesson in _lessons().values() for q in lesson.quizzes()
            if q.type == "choice"]


CHOICES = _choice_quizzes()


@pytest.mark.parametrize("lang, q", CHOICES, ids=[f"{q.id}-{lang}" for lang, q in CHOICES])
def test_choice_quiz_is_right_only_for_its_correct_options_and_names_each_pick(lang, q):
    correct = [i for i, c in enumerate(q.choices) if c.correct]
    verdict = grade(q, correct)
    assert verdict.correct and [n.index for n in verdict.picks] == correct
    assert all(n.mark == PICKED_RIGHT for n in verdict.picks)
    for i, choice in enumerate(q.choices):
        if not q.multiple and i not in correct:
            picked = grade(q, [i])
            assert not picked.correct and picked.picks[0].mark == PICKED_WRONG
            assert picked.picks[0].text == choice.text
    if q.multiple:
        for i in correct:  # one right option is not the whole answer
            assert not grade(q, [i]).correct
        wrong_one = next(i for i in range(len(q.choices)) if i not in correct)
        assert not grade(q, [*correct, wrong_one]).correct


# Words that repeat the verdict's headline ("✓ Right." / "✓ 回答正确。") at the start of a why:
# "✓ Right. • Right." said it twice, and "✗ Not quite." then "• Right; ..." contradicted itself.
VERDICT_WORDS = re.compile(
    r"^(right|correct|wrong|not quite)[\s.,;:!]|^(对|错|正确|错误|不对)[。，；：！,.;:!]", re.I)


@pytest.mark.parametrize("lang, q", CHOICES, ids=[f"{q.id}-{lang}" for lang, q in CHOICES])
def test_no_why_repeats_the_verdict(lang, q):
    for choice in q.choices:
        assert not VERDICT_WORDS.match(choice.why), f"{q.id} ({lang}): {choice.why!r}"


@pytest.mark.parametrize("lang, q", CHOICES, ids=[f"{q.id}-{lang}" for lang, q in CHOICES])
def test_no_two_options_of_a_quiz_give_the_same_why(lang, q):
    whys = [c.why for c in q.choices if c.why]
    assert len(whys) == len(set(whys)), f"{q.id} ({lang}) says the same thing twice: {whys}"


def test_every_quiz_of_the_course_is_tested_here():
    named = set(re.findall(r'(?:right|wrong|facts|cell|quiz)\("([a-z0-9-]+)"', open(__file__).read()))
    numbers_and_texts = {q.id for lesson in _lessons().values() for q in lesson.quizzes()
                         if q.type != "choice"}
    assert numbers_and_texts <= named, sorted(numbers_and_texts - named)
