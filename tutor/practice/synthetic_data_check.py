"""The check of the learner's synthetic_data.

It is random, so it is compared with the core's by what must hold for any seed: the shapes, X
drawn from a standard normal, the relation y = Xw + b + noise and the noise's scale — measured on
10,000 samples with margins of many standard errors, so a correct version always passes. Global
generators are seeded (and restored) for learner code that takes no generator, so a check gives
the same verdict every time.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from tutor.practice.support import (
    Failure,
    accepts_keyword,
    call,
    changed,
    core_function,
    kind,
    number,
    numbers,
    seeded,
    shape,
)

SYNTHETIC_DATA = "tutor.scratch.data.synthetic_data"


def _synthetic(fn: Callable[..., Any], w: torch.Tensor, b: float, n: int, seed: int, case: str) -> Any:
    with seeded(seed):
        if accepts_keyword(fn, "generator"):
            return call(fn, case, w, b, n, generator=torch.Generator().manual_seed(seed))
        return call(fn, case, w, b, n)


def _pair(result: Any, case: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The (X, y) pair synthetic_data must return, or a Failure saying what came back."""
    fix = "it should return two tensors, the features X and the labels y"
    if result is None:
        raise Failure(f"your synthetic_data returned None, so it has no return yet: {fix}", case)
    if hasattr(result, "__next__") and not isinstance(result, (tuple, list)):
        raise Failure(
            "your synthetic_data returned a generator (it uses yield): it should build the whole "
            f"data set at once and return it — {fix}",
            case,
        )
    if isinstance(result, torch.Tensor):
        raise Failure(
            f"your synthetic_data returned one tensor of shape {shape(result)}; {fix}",
            case,
        )
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Failure(f"your synthetic_data returned {kind(result)}; {fix}", case)
    for name, value in zip(("X (the features)", "y (the labels)"), result):
        if not isinstance(value, torch.Tensor):
            raise Failure(f"the {name} your synthetic_data returned is {kind(value)}, not a tensor", case)
        if not value.is_floating_point():
            raise Failure(
                f"the {name} your synthetic_data returned holds {value.dtype} numbers; "
                "they should be floats (torch.float32), as torch.normal makes them",
                case,
            )
    return result[0], result[1]


def _check_shapes(X: torch.Tensor, y: torch.Tensor, core_X: torch.Tensor, core_y: torch.Tensor,
                  w: torch.Tensor, n: int, case: str) -> None:
    if X.shape != core_X.shape:
        raise Failure(
            f"your features X have shape {shape(X)}; they should have shape {shape(core_X)}: one row per "
            f"example (num_examples = {n}) and one column per weight (len(w) = {len(w)})",
            case,
        )
    if y.shape == core_y.shape:
        return
    if y.shape == (n,):
        raise Failure(
            f"your labels y have shape {shape(y)}: labels not shaped ({n}, 1). The book returns them as a "
            f"column, shape {shape(core_y)}, like the model's output: reshape y into a column before "
            "returning it",
            case,
        )
    raise Failure(
        f"your labels y have shape {shape(y)}; they should have shape {shape(core_y)}: one row per example, "
        "one column",
        case,
    )


def _check_features_normal(X: torch.Tensor, case: str) -> None:
    X = X.detach().double()
    mean, std = X.mean(dim=0), X.std(dim=0)
    # n = 10,000: the mean's standard error is 0.01 and the std's 0.007, so these margins are
    # 8 and 14 standard errors: a correct generator never trips them.
    bad = [j for j in range(X.shape[1]) if abs(mean[j]) > 0.08 or not 0.9 < std[j] < 1.1]
    if not bad:
        return
    j = bad[0]
    message = (
        "your features are not drawn from the standard normal distribution (mean 0, standard deviation 1): "
        f"column {j} has mean {number(mean[j])} and standard deviation {number(std[j])}. "
        "Draw them from a normal distribution with mean 0 and standard deviation 1"
    )
    if abs(mean[j] - 0.5) < 0.05 and abs(std[j] - math.sqrt(1 / 12)) < 0.03:
        message += " — torch.rand draws uniformly from [0, 1), which is not a normal distribution"
    raise Failure(message, case)


def _check_relation(X: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: float, core_noise: float,
                    case: str) -> None:
    """y = X w + b + noise, with noise like the core's: centred on 0, standard deviation 0.01."""
    Xd, yd, wd = X.detach().double(), y.detach().double().reshape(-1), w.double()
    n = len(yd)
    design = torch.cat([Xd, torch.ones(n, 1, dtype=torch.float64)], dim=1)
    fit = torch.linalg.lstsq(design, yd.reshape(-1, 1)).solution.reshape(-1)
    w_fit, b_fit = fit[:-1], float(fit[-1])
    spread = float((yd - design @ fit).std())
    # The fitted coefficients' standard error is about spread / sqrt(n); 8 of them plus 0.01.
    tol = 0.01 + 8 * spread / math.sqrt(n)
    w_ok = bool((w_fit - wd).abs().max() < tol)
    if not (w_ok and abs(b_fit - b) < tol):
        if w_ok and abs(b_fit) < tol:
            raise Failure(
                f"your labels have no bias: they follow y = X w without + b (fitting them gives b ≈ "
                f"{number(b_fit)}, but b = {number(b)}). Add b to every label",
                case,
            )
        raise Failure(
            "your labels do not follow y = X w + b + noise: for the w and b given "
            f"(w = {numbers(w)}, b = {number(b)}), fitting your labels on your features gives "
            f"w ≈ {numbers(w_fit)} and b ≈ {number(b_fit)}",
            case,
        )
    noise = yd - (Xd @ wd + b)
    std, mean = float(noise.std()), float(noise.mean())
    if std < 0.01 * core_noise:
        raise Failure(
            "your labels have no noise: y is exactly X w + b. Add normal noise with mean 0 and "
            "standard deviation 0.01 to every label",
            case,
        )
    # Both standard deviations are measured on 10,000 samples (each within about 1% of the truth),
    # so a ratio off by 15% is a different scale, not chance.
    if not 0.85 < std / core_noise < 1.18:
        message = (
            f"your noise has the wrong scale: its standard deviation is {number(std)}; the book's is 0.01 "
            "(the second argument of torch.normal is the standard deviation, not the variance)"
        )
        # uniform noise on [0, a) has mean a / 2 and standard deviation a / sqrt(12)
        if abs(mean / std - math.sqrt(3)) < 0.1:
            message += ". Your noise looks uniform, as torch.rand draws it: use a normal distribution"
        raise Failure(message, case)
    if abs(mean) > 6 * core_noise / math.sqrt(n) + 1e-4:
        raise Failure(
            f"your noise is not centred on 0: its mean is {number(mean)}. Draw it from a normal "
            "distribution with mean 0 (the first argument of torch.normal)",
            case,
        )


def check_synthetic_data(fn: Callable[..., Any]) -> str:
    core = core_function(SYNTHETIC_DATA)
    cases = [
        # (w, b, num_examples, seed); the book's case first, then 10,000 samples with three
        # weights (for the statistics), then a single feature and an odd count.
        (torch.tensor([2, -3.4]), 4.2, 1000, 1),
        (torch.tensor([-1.2, 0.7, 2.5]), -1.5, 10_000, 2),
        (torch.tensor([0.5]), 0.3, 7, 3),
    ]
    for w, b, n, seed in cases:
        case = f"synthetic_data(w={numbers(w)}, b={number(b)}, num_examples={n})"
        w_before = w.clone()
        X, y = _pair(_synthetic(fn, w, b, n, seed, case), case)
        if changed(w_before, w):
            what = (f"from {numbers(w_before)} to {numbers(w)}" if w.shape == w_before.shape
                    else f"from shape {shape(w_before)} to {shape(w)}")
            raise Failure(
                f"your synthetic_data changed the w it was given ({what}); "
                "the caller's true_w must stay as it was — make new tensors instead of changing w in place",
                case,
            )
        core_X, core_y = core(w, b, n, generator=torch.Generator().manual_seed(seed))
        _check_shapes(X, y, core_X, core_y, w, n, case)
        if n >= 10_000:
            _check_features_normal(X, case)
            core_noise = float((core_y.double().reshape(-1) - (core_X.double() @ w.double() + b)).std())
            _check_relation(X, y, w, b, core_noise, case)
    return (
        "your synthetic_data matches the book's: X of shape (num_examples, len(w)) from a standard normal, "
        "y = X w + b plus noise of standard deviation 0.01, shaped (num_examples, 1)"
    )
