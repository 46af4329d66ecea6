"""When a run of the core counts as diverged: its loss not finite, or far above where it started."""

from __future__ import annotations

import math

import pytest

from tutor.scratch.exercises import EXPERIMENTS, make_data
from tutor.scratch.train import DIVERGENCE_FACTOR, train


@pytest.fixture(scope="module")
def data():
    return make_data(0)


def test_a_run_that_blows_up_without_overflowing_is_marked_diverged(data):
    # lr 1.9 used to run all 300 steps and end at about 1e15 with diverged_at None
    history = train(*data, lr=1.9, seed=0)
    assert history.diverged_at is not None
    assert all(math.isfinite(loss) for loss in history.step_losses)
    # the run stopped at the first step past the factor; every step before it was below it
    assert len(history.step_losses) == history.diverged_at - 1
    assert max(history.step_losses) <= DIVERGENCE_FACTOR * history.step_losses[0]
    unstopped = train(*data, lr=1.9, seed=0, num_epochs=1)
    assert unstopped.diverged_at == history.diverged_at  # the same step, however long the run


@pytest.mark.parametrize("lr", [0.03, 0.3, 1.0, 1.5, 1.8])
def test_runs_that_converge_are_never_marked_even_when_they_zigzag(data, lr):
    history = train(*data, lr=lr, seed=0)
    assert history.diverged_at is None
    assert history.step_losses[-1] < history.step_losses[0] / 100


def test_a_sweep_names_the_step_of_each_diverged_rate_and_gives_it_no_final_loss():
    result = EXPERIMENTS["learning_rates"](lrs=[0.3, 1.9, 3.0], num_epochs=3)
    assert result["diverged"]["lr=0.3"] is None
    assert result["diverged"]["lr=1.9"] is not None and result["diverged"]["lr=3"] is not None
    assert result["facts"]["final_losses"][0] is not None
    assert result["facts"]["final_losses"][1:] == [None, None]
