"""The runs one RunExperiment request makes, and the ExperimentResult they add up to.

A request is planned as a flat list of runs — the core's then the learner's (compare), each once
per swept value — and the kernel calls the experiment function once per planned run. Each
experiment function returns the plain dict tutor/scratch/exercises.py documents (curves keyed by
name, x in steps); `experiment_result` relabels and converts those into one typed result, labels
exactly as the points were streamed. No torch here: the kernel's server does the calling.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tutor.kernel.protocol import (
    X_AXES,
    Curve,
    ExperimentResult,
    RunExperiment,
    RunSummary,
)

# The chapter's data set, which every minibatch experiment draws unless num_examples says otherwise
# (reshape trains on max(n, 1000) examples), and its label noise.
CHAPTER_EXAMPLES = 1000
CHAPTER_NOISE = 0.01
# Experiments whose x is not a training step (second_derivative plots f against x): never converted.
STEP_XLABEL = "step"
AXIS_LABELS = {"step": "step", "epoch": "epoch", "examples": "examples seen"}


@dataclass
class Axis:
    """Converts a run's step numbers into the request's x axis; one per run, because a sweep of
    batch_size gives each run its own steps per epoch."""

    name: str  # "step", "epoch" or "examples"
    batch_size: int | None = None
    examples: int | None = None  # per epoch

    @property
    def steps_per_epoch(self) -> int | None:
        if self.batch_size is None or self.examples is None:
            return None
        return math.ceil(self.examples / self.batch_size)

    def x(self, step: float) -> float:
        """Where step `step` (1-based) is on this axis: an epoch's fraction, or the examples seen
        so far (an epoch's short last batch counted as its real length)."""
        per_epoch = self.steps_per_epoch
        if self.name == "step" or per_epoch is None or self.examples is None or self.batch_size is None:
            return step
        if self.name == "epoch":
            return step / per_epoch
        epochs_done, within = divmod(int(step) - 1, per_epoch)
        return epochs_done * self.examples + min((within + 1) * self.batch_size, self.examples)


@dataclass
class PlannedRun:
    """One call of the experiment function: a plain run, one swept value, the core's or yours."""

    label: str  # "", "lr=0.3", "core", "yours lr=0.3": RunSummary.label
    params: dict[str, Any]  # every parameter, defaults included
    impl: str  # "core" or "yours"
    functions: dict[str, Callable[..., Any]] | None  # the learner's functions for this run
    axis: Axis
    swept: Any = None

    def curve_label(self, name: str) -> str:
        """A curve's label in the legend: a single-curve experiment's "loss" is named by its run
        alone when the run has a label ("lr=0.3", "yours"), else the run's label comes first."""
        if name == "loss" and self.label:
            return self.label
        return f"{self.label} {name}".strip()


def full_params(experiment: Callable[..., Any], params: dict[str, Any]) -> dict[str, Any]:
    """`params` with the experiment's own defaults for every parameter not given."""
    hidden = {"seed", "on_point", "should_stop", "impl"}
    defaults = {name: p.default for name, p in inspect.signature(experiment).parameters.items()
                if name not in hidden and p.default is not inspect.Parameter.empty}
    return {**defaults, **params}


def axis_for(x_axis: str, params: dict[str, Any]) -> Axis:
    """The axis of a run with these parameters; ValueError for an axis it cannot have."""
    if x_axis not in X_AXES:
        raise ValueError(f"x axis is one of {', '.join(X_AXES)}, not {x_axis!r}")
    if "batch_size" not in params:
        if x_axis != "step":
            raise ValueError(f"x: {x_axis} needs an experiment that trains in minibatches (batch_size)")
        return Axis("step")
    examples = params.get("num_examples") or max(int(params.get("n", 0)), CHAPTER_EXAMPLES)
    return Axis(x_axis, int(params["batch_size"]), int(examples))


def plan_runs(request: RunExperiment, experiment: Callable[..., Any],
              functions: dict[str, Callable[..., Any]] | None) -> list[PlannedRun]:
    """Every run of the request, in the order they run: core before yours, sweep values in order."""
    if request.sweep is not None and len(request.sweep) != 1:
        raise ValueError(f"a sweep varies exactly one parameter, not {sorted(request.sweep)}")
    variants: list[tuple[str, str, dict[str, Callable[..., Any]] | None]] = (
        [("core", "core", None), ("yours", "yours", functions)] if request.compare and functions
        else [("", "yours" if functions else "core", functions)])
    sweep_param, values = next(iter((request.sweep or {"": [None]}).items()))
    runs = []
    for prefix, impl, chosen in variants:
        for value in values:
            params = dict(request.params)
            swept = f"{sweep_param}={value}" if sweep_param else ""
            if sweep_param:
                params[sweep_param] = value
            params = full_params(experiment, params)
            runs.append(PlannedRun(f"{prefix} {swept}".strip(), params, impl, chosen,
                                   axis_for(request.x_axis, params),
                                   value if sweep_param else None))
    return runs


def _curve(planned: PlannedRun, name: str, raw: dict[str, Any], diverged_at: int | None,
           by_step: bool) -> Curve:
    xs = list(raw.get("x", []))
    steps = [int(x) for x in xs] if by_step else list(range(1, len(xs) + 1))
    x = [planned.axis.x(v) for v in xs] if by_step else xs
    return Curve(planned.curve_label(name), x, list(raw.get("y", [])), run=planned.label,
                 diverged_at=diverged_at, steps=steps, name=name)


def experiment_result(run: str, finished: list[tuple[PlannedRun, dict[str, Any]]], x_axis: str,
                      sweep_param: str | None, interrupted: bool) -> ExperimentResult:
    """The typed result of the runs that finished (all of them unless the learner stopped it)."""
    first = finished[0][1] if finished else {}
    by_step = first.get("xlabel", STEP_XLABEL) == STEP_XLABEL
    curves: list[Curve] = []
    summaries: list[RunSummary] = []
    paths: dict[str, list[list[float]]] = {}
    for planned, raw in finished:
        diverged = {name: step for name, step in (raw.get("diverged") or {}).items()}
        curves += [_curve(planned, name, c, diverged.get(name), by_step)
                   for name, c in (raw.get("curves") or {}).items()]
        paths.update({planned.curve_label(name): p for name, p in (raw.get("path") or {}).items()})
        steps = [s for s in diverged.values() if s is not None]
        summaries.append(RunSummary(planned.label, planned.params, dict(raw.get("facts") or {}),
                                    diverged_at=min(steps, default=None),
                                    steps_per_epoch=planned.axis.steps_per_epoch,
                                    swept=planned.swept, impl=planned.impl))
        interrupted = interrupted or bool(raw.get("cancelled"))
    axis = x_axis if by_step else "step"
    return ExperimentResult(
        run=run, curves=curves, runs=summaries, x_axis=axis,
        xlabel=AXIS_LABELS[axis] if by_step and axis != "step" else str(first.get("xlabel", "step")),
        ylabel=str(first.get("ylabel", "loss")), log_y=bool(first.get("log_y", True)),
        sweep_param=sweep_param, noise_floor=_noise_floor(finished),
        path=paths or None, surface=first.get("surface"), interrupted=interrupted,
    )


def _noise_floor(finished: list[tuple[PlannedRun, dict[str, Any]]]) -> float | None:
    """sigma**2 / 2 of the label noise, for the experiments that train on the chapter's kind of
    data (those with minibatches); planck's noise is relative and second_derivative has none."""
    if not finished or "batch_size" not in finished[0][0].params:
        return None
    noise = float(finished[0][0].params.get("noise", CHAPTER_NOISE))
    return noise ** 2 / 2
