"""The curve in words, on real runs of the scratch core, built into an ExperimentResult exactly as
the kernel builds it (tutor.kernel.experiment_runs). Each sentence's claim is checked against the
run's own facts (its loss on all the data after each epoch, where it diverged), not only against
the text."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from tutor.kernel.experiment_runs import experiment_result, plan_runs
from tutor.kernel.protocol import ExperimentResult, RunExperiment
from tutor.narrate import FLOOR_MARGIN, describe, number
from tutor.practice.checks import load_function
from tutor.scratch.exercises import EXPERIMENTS

FLOOR = 0.01**2 / 2  # the chapter's label noise, sigma = 0.01


def run_core(run: str, params: dict[str, Any], *, sweep: dict[str, list[Any]] | None = None,
             impl: dict[str, str] | None = None) -> ExperimentResult:
    """What the kernel does for a RunExperiment: plan, call the experiment per run, build the result."""
    request = RunExperiment(run, params, sweep=sweep, impl=impl, compare=impl is not None)
    experiment = EXPERIMENTS[run]
    functions = {name: load_function(name, source) for name, source in (impl or {}).items()} or None
    finished = []
    for planned in plan_runs(request, experiment, functions):
        raw = experiment(seed=0, on_point=None, should_stop=None, impl=planned.functions, **planned.params)
        finished.append((planned, raw))
    sweep_param = next(iter(sweep)) if sweep else None
    return experiment_result(run, finished, request.x_axis, sweep_param, interrupted=False)


@cache
def train(lr: float, num_epochs: int = 3) -> ExperimentResult:
    return run_core("train", {"lr": lr, "batch_size": 10, "num_epochs": num_epochs})


def epoch_losses(result: ExperimentResult) -> list[float]:
    return result.runs[0].facts["epoch_losses"]


def test_the_books_run_reaches_the_noise_floor_in_its_third_epoch():
    result = train(0.03)
    text = describe(result, "en")
    assert text.startswith("The loss came within 25% of the noise floor σ²/2 = 5e-5 at step ")
    assert "(epoch 3)" in text
    # the loss on all the data: above the margin after epoch 2, within it after epoch 3
    losses = epoch_losses(result)
    assert losses[1] > FLOOR * (1 + FLOOR_MARGIN) >= losses[2]
    assert "噪声下限 σ²/2 = 5e-5" in describe(result, "zh") and "第 3 轮" in describe(result, "zh")
    # where it ends is the final_loss the facts show beside it, not the last minibatches' mean
    assert f"(it ends at {number(result.runs[0].facts['final_loss'])})" in text


def test_a_tiny_learning_rate_is_still_falling_and_more_epochs_do_bring_it_lower():
    result = train(0.003)
    text = describe(result, "en")
    assert text.startswith("The loss is still falling")
    assert "more steps would bring it lower" in text
    losses = epoch_losses(result)
    assert losses == sorted(losses, reverse=True) and losses[-1] > 1000 * FLOOR
    assert epoch_losses(train(0.003, 6))[-1] < losses[-1] / 2
    assert describe(result, "zh").startswith("损失仍在下降")


def test_lr_1_levels_off_above_the_floor_and_ten_epochs_do_not_bring_it_down():
    result = train(1.0)
    text = describe(result, "en")
    assert text.startswith("The loss levelled off at ")
    assert "× the noise floor σ²/2 = 5e-5" in text
    assert result.runs[0].facts["final_loss"] > FLOOR * (1 + FLOOR_MARGIN)
    assert epoch_losses(train(1.0, 10))[-1] > FLOOR * (1 + FLOOR_MARGIN)
    assert describe(result, "zh").startswith("损失停在 ")


def test_lr_near_the_limit_zig_zags_and_its_numbers_are_on_the_curve():
    result = train(1.5)
    text = describe(result, "en")
    assert text.startswith("The loss zig-zags: after falling to ")
    assert "the learning rate is near its limit" in text
    assert result.runs[0].diverged_at is None
    # the loss on all the data rises from epoch to epoch instead of settling
    losses = epoch_losses(result)
    assert losses[2] > 3 * losses[0]
    assert describe(result, "zh").startswith("损失来回震荡")


def test_a_diverged_run_is_named_with_its_step_and_epoch():
    result = train(3.0)
    step = result.runs[0].diverged_at
    assert step is not None
    assert describe(result, "en") == (
        f"Training diverged at step {step} (epoch 1): the loss blew up instead of falling.")
    assert describe(result, "zh") == f"训练在第 {step} 步（第 1 轮）发散：损失没有下降，反而急剧增大。"


@cache
def lr_sweep() -> ExperimentResult:
    return run_core("train", {"batch_size": 10, "num_epochs": 3}, sweep={"lr": [0.01, 0.1, 0.3, 3.0]})


def test_a_sweep_names_its_fastest_value_to_the_stated_threshold_and_the_diverged_one():
    result = lr_sweep()
    text = describe(result, "en")
    assert " was the fastest to get within 25% of the noise floor σ²/2 = 5e-5 (below 6.25e-5)" in text
    fastest = text.split(" was the fastest")[0]
    run = next(r for r in result.runs if r.label == fastest)
    assert run.swept in (0.1, 0.3) and run.facts["final_loss"] <= FLOOR * (1 + FLOOR_MARGIN)
    # the slowest value never got there at all
    slow = next(r for r in result.runs if r.swept == 0.01)
    assert slow.facts["final_loss"] > FLOOR * (1 + FLOOR_MARGIN)
    diverged = next(r for r in result.runs if r.swept == 3.0)
    assert text.endswith(f"Diverged: lr=3.0 at step {diverged.diverged_at}.")
    assert f"发散：lr=3.0 在第 {diverged.diverged_at} 步。" in describe(result, "zh")


CORE_SQUARED_LOSS = '''
def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
'''
NO_HALF = '''
def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2
'''


def test_a_learners_function_that_is_the_cores_draws_the_cores_curve_point_for_point():
    result = run_core("train", {"lr": 0.03, "batch_size": 10, "num_epochs": 3},
                      impl={"tutor.scratch.model.squared_loss": CORE_SQUARED_LOSS})
    (core, yours), = result.pairs()
    assert core.y == yours.y
    text = describe(result, "en")
    assert text.startswith(f"Your curve is the core's, point for point ({len(core.y)} points). Yours: The loss came")
    assert describe(result, "zh").startswith(f"你的曲线与核心实现的曲线逐点相同（共 {len(core.y)} 个点）。")


def test_a_learners_loss_without_the_half_leaves_the_cores_curve_at_its_first_step():
    result = run_core("train", {"lr": 0.03, "batch_size": 10, "num_epochs": 3},
                      impl={"tutor.scratch.model.squared_loss": NO_HALF})
    (core, yours), = result.pairs()
    assert core.y[0] != yours.y[0]
    assert describe(result, "en").startswith("Your curve leaves the core's at step 1. Yours: ")
    assert describe(result, "zh").startswith("你的曲线从第 1 步开始偏离核心实现的曲线。")


def test_when_every_curve_reaches_the_floor_none_is_called_highest():
    result = run_core("zero_init", {"lr": 0.03, "batch_size": 10, "num_epochs": 3})
    facts = result.runs[0].facts
    assert max(facts["zeros_final_loss"], facts["random_final_loss"]) <= FLOOR * (1 + FLOOR_MARGIN)
    text = describe(result, "en")
    assert text.endswith("Every curve ends within 25% of the noise floor σ²/2 = 5e-5.")
    assert "highest" not in text
    assert describe(result, "zh").endswith("每条曲线最终都在噪声下限 σ²/2 = 5e-5 的 25% 以内。")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_curves_that_are_not_losses_and_no_curves_get_no_words(lang):
    # second_derivative draws f, f' and f'' against x: there is no loss to describe
    assert describe(run_core("second_derivative", {"x0": 1.0}), lang) == ""
    assert describe(ExperimentResult("train", [], []), lang) == ""


def test_the_curve_called_highest_is_the_one_whose_final_loss_the_facts_show_highest():
    # lesson 09 step 4: the MLP from a constant init against a random one. Its words and the facts
    # printed under them must agree (the last minibatches alone rank these two the other way).
    result = run_core("zero_init", {"lr": 0.03, "batch_size": 10, "num_epochs": 3, "model": "mlp"})
    facts = result.runs[0].facts
    assert facts["mlp_constant_final_loss"] > facts["mlp_random_final_loss"]
    text = describe(result, "en")
    assert "mlp constant ended highest" in text, text
    assert "mlp random ended highest" not in text
