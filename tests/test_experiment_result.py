"""The typed experiment result: what every front end reads, and how it crosses the pipe."""

from __future__ import annotations

import math

import pytest

from tutor.kernel import protocol as P
from tutor.kernel.protocol import Curve, ExperimentResult, RunSummary


def comparison() -> ExperimentResult:
    return ExperimentResult(
        run="zero_init",
        curves=[
            Curve("core zeros", [1, 2], [0.5, 0.25], run="core", steps=[1, 2], name="zeros"),
            Curve("core random", [1, 2], [0.6, 0.3], run="core", steps=[1, 2], name="random"),
            Curve("yours zeros", [1, 2], [0.5, math.inf], run="yours", diverged_at=2, steps=[1, 2],
                  name="zeros"),
            Curve("yours random", [1, 2], [0.6, 0.3], run="yours", steps=[1, 2], name="random"),
        ],
        runs=[
            RunSummary("core", {"lr": 0.03}, {"final_loss": 5e-5}),
            RunSummary("yours", {"lr": 0.03}, {"final_loss": None}, diverged_at=2, impl="yours"),
        ],
    )


def test_a_result_crosses_the_pipe_inside_done_and_comes_back_equal_with_non_finite_as_none():
    result = comparison()
    line = P.encode(P.Done("ok", result.to_wire()))
    back = ExperimentResult.from_wire(P.decode(line).result)
    assert back.curves[2].y == [0.5, None]
    result.curves[2].y = [0.5, None]
    assert back == result


def test_facts_of_one_run_are_its_own_and_of_several_are_prefixed_by_the_run_label():
    one = ExperimentResult("train", [], [RunSummary("", {}, {"final_loss": 1.0})])
    assert one.facts == {"final_loss": 1.0}
    assert comparison().facts == {"core final_loss": 5e-5, "yours final_loss": None}


def test_pairs_match_each_core_curve_with_the_learners_curve_of_the_same_name():
    pairs = [(core.label, yours.label) for core, yours in comparison().pairs()]
    assert pairs == [("core zeros", "yours zeros"), ("core random", "yours random")]


def test_pairs_of_a_swept_comparison_keep_the_swept_values_apart():
    result = ExperimentResult(
        "train",
        [Curve(f"{impl} lr={lr}", [1], [1.0], run=f"{impl} lr={lr}", name="loss")
         for impl in ("core", "yours") for lr in (0.1, 0.3)],
        [RunSummary(f"{impl} lr={lr}", {"lr": lr}, {}, swept=lr, impl=impl)
         for impl in ("core", "yours") for lr in (0.1, 0.3)],
        sweep_param="lr",
    )
    assert [(c.label, y.label) for c, y in result.pairs()] == [
        ("core lr=0.1", "yours lr=0.1"), ("core lr=0.3", "yours lr=0.3")]
    assert comparison().diverged == {"yours zeros": 2}


def test_a_dict_that_is_not_a_result_is_a_protocol_error_and_unknown_keys_are_ignored():
    with pytest.raises(P.ProtocolError):
        ExperimentResult.from_wire({"curves": {"loss": {"x": [], "y": []}}, "facts": {}})
    wire = comparison().to_wire() | {"added_later": 1}
    assert ExperimentResult.from_wire(wire).run == "zero_init"


def test_examples_seen_count_a_short_last_batch_as_its_real_length():
    from tutor.kernel.experiment_runs import axis_for

    axis = axis_for("examples", {"batch_size": 64, "num_examples": 1000})
    assert axis.steps_per_epoch == 16
    assert [axis.x(s) for s in (1, 15, 16, 17, 32)] == [64, 960, 1000, 1064, 2000]
    assert axis_for("epoch", {"batch_size": 64, "num_examples": 1000}).x(24) == 1.5
    with pytest.raises(ValueError, match="minibatches"):
        axis_for("epoch", {"T": 5000.0, "steps": 10})


def test_a_swept_comparison_is_planned_core_first_with_every_default_filled_in():
    from tutor.kernel.experiment_runs import plan_runs
    from tutor.scratch.exercises import EXPERIMENTS

    request = P.RunExperiment("train", {"num_epochs": 1}, sweep={"lr": [0.1, 0.3]}, impl={"x": "..."},
                              compare=True)
    plan = plan_runs(request, EXPERIMENTS["train"], functions={"x": print})
    assert [(r.label, r.impl, r.swept) for r in plan] == [
        ("core lr=0.1", "core", 0.1), ("core lr=0.3", "core", 0.3),
        ("yours lr=0.1", "yours", 0.1), ("yours lr=0.3", "yours", 0.3)]
    assert plan[0].functions is None and plan[2].functions == {"x": print}
    assert plan[0].params == {"lr": 0.1, "batch_size": 10, "num_epochs": 1, "num_examples": 1000,
                              "init": "normal", "noise": 0.01, "record_path": False}
    assert [plan[0].curve_label("loss"), plan[0].curve_label("zeros")] == ["core lr=0.1", "core lr=0.1 zeros"]
