"""Checks of the learner's linreg and squared_loss.

Both are deterministic, so the learner's result is compared with the core's on the same inputs:
shape, values (up to float rounding), gradients through autograd, and what happened to the
arguments. When the values differ, the check tries the usual mistakes (no bias, no / 2, a mean
instead of one loss per example ...) and names the one that explains the numbers exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from tutor.practice.support import (
    Failure,
    LearnerError,
    call,
    changed,
    core_function,
    kind,
    leaf,
    number,
    numbers,
    same,
    shape,
)

LINREG = "tutor.scratch.model.linreg"
SQUARED_LOSS = "tutor.scratch.model.squared_loss"

CUT_OFF = (
    "don't use .detach(), .data, .item(), .numpy() or torch.tensor(...) on the way, which make "
    "numbers autograd cannot trace back"
)


def _tensor_result(result: Any, name: str, wanted: str, case: str) -> torch.Tensor:
    if result is None:
        raise Failure(f"your {name} returned None, so it has no return yet: it should return {wanted}",
                      case)
    if not isinstance(result, torch.Tensor):
        raise Failure(f"your {name} returned {kind(result)}, not a tensor: it should return {wanted}",
                      case)
    return result


def _unchanged(name: str, arguments: dict[str, tuple[torch.Tensor, torch.Tensor]], case: str) -> None:
    for arg, (before, after) in arguments.items():
        if changed(before, after):
            raise Failure(
                f"your {name} changed its argument {arg} in place (the caller's {arg} is now different): "
                "compute a new tensor and leave the arguments as they were",
                case,
            )


# ---------------------------------------------------------------- linreg

def check_linreg(fn: Callable[..., Any]) -> str:
    core = core_function(LINREG)
    g = torch.Generator().manual_seed(31)
    # (examples, features): the book's batch of 10 with 2 features, 3 features, a single example.
    for n, d in [(10, 2), (7, 3), (1, 2)]:
        X = torch.normal(0, 1, (n, d), generator=g)
        w0 = torch.normal(0, 1, (d, 1), generator=g)
        b0 = torch.normal(0, 1, (1,), generator=g)
        case = f"linreg(X, w, b) with X of shape {shape(X)}, w {shape(w0)}, b {shape(b0)} (w and b require grad)"
        w, b = leaf(w0), leaf(b0)
        X_before = X.clone()
        out = _tensor_result(call(fn, case, X, w, b), "linreg",
                             "the tensor of predictions, one per row of X", case)
        _unchanged("linreg", {"X": (X_before, X), "w": (w0, w), "b": (b0, b)}, case)
        core_w, core_b = leaf(w0), leaf(b0)
        expected = core(X, core_w, core_b)
        if out.shape != expected.shape:
            raise Failure(
                f"your linreg returns shape {shape(out)}; the book's returns {shape(expected)}, one prediction "
                f"per example in a column (a matrix product of X and w, with w of shape {shape(w0)}, "
                "plus b)",
                case,
            )
        if not same(out, expected):
            if same(out, X @ w0):
                raise Failure("your linreg forgets the bias: it returns X w without + b", case)
            if same(out, X @ w0 - b0):
                raise Failure("your linreg subtracts the bias: it returns X w - b; the bias is added", case)
            raise Failure(
                f"your linreg gives different predictions: for the first example, X[0] = {numbers(X[0])}, "
                f"w = {numbers(w0)}, b = {number(b0)}, yours is {number(out.reshape(-1)[0])} and the book's "
                f"X[0] w + b = {number(expected.reshape(-1)[0])}",
                case,
            )
        _check_gradients("linreg", out, expected, {"w": (w, core_w), "b": (b, core_b)}, case)
    return (
        "your linreg matches the book's: X w + b of shape (examples, 1) for any number of examples and "
        "features, with gradients flowing back to w and b"
    )


def _check_gradients(name: str, out: torch.Tensor, expected: torch.Tensor,
                     params: dict[str, tuple[torch.Tensor, torch.Tensor]], case: str) -> None:
    """Backward through the learner's result and the core's: the same gradients, or a cut graph."""
    if not out.requires_grad:
        raise Failure(
            f"your {name}'s result is cut off from autograd (it does not require grad), so backward() "
            f"cannot reach {' and '.join(params)}: no gradient would flow back to the parameters, and training "
            f"would never change them. {CUT_OFF[0].upper()}{CUT_OFF[1:]}",
            case,
        )
    expected.sum().backward()
    try:
        out.sum().backward()
    except RuntimeError as error:  # e.g. a graph freed by a backward inside the learner's function
        raise LearnerError(error, case) from error
    for arg, (mine, core) in params.items():
        if mine.grad is None or core.grad is None or not same(mine.grad, core.grad):
            raise Failure(
                f"the gradient of your {name}'s result with respect to {arg} is not the book's: part of the "
                f"computation is cut off from autograd or uses {arg} differently; {CUT_OFF}",
                case,
            )


# ---------------------------------------------------------------- squared_loss

def check_squared_loss(fn: Callable[..., Any]) -> str:
    core = core_function(SQUARED_LOSS)
    g = torch.Generator().manual_seed(41)
    # (y_hat shape, y shape): the usual batch, labels of shape (n,) (what the reshape is for), and
    # a short last batch of 3. y_hat is always a column, as linreg makes it.
    for hat_shape, y_shape in [((10, 1), (10, 1)), ((10, 1), (10,)), ((3, 1), (3,))]:
        y_hat0 = torch.normal(0, 1, hat_shape, generator=g)
        y = torch.normal(0, 1, y_shape, generator=g)
        case = f"squared_loss(y_hat, y) with y_hat of shape {shape(y_hat0)} and y of shape {shape(y)}"
        y_hat, y_before = leaf(y_hat0), y.clone()
        out = _tensor_result(
            call(fn, case, y_hat, y), "squared_loss", "the tensor of losses, one per example", case
        )
        _unchanged("squared_loss", {"y_hat": (y_hat0, y_hat), "y": (y_before, y)}, case)
        core_hat = leaf(y_hat0)
        expected = core(core_hat, y)
        if out.shape != expected.shape:
            _diagnose_loss_shape(out, expected, y_hat0, y, case)
        if not same(out, expected):
            _diagnose_loss_values(out, expected, y_hat0, y, case)
        _check_gradients("squared_loss", out, expected, {"y_hat": (y_hat, core_hat)}, case)
    return (
        "your squared_loss matches the book's: (y_hat - y)² / 2 per example, in y_hat's shape, "
        "whatever the shape of y"
    )


def _diagnose_loss_shape(out: torch.Tensor, expected: torch.Tensor, y_hat: torch.Tensor, y: torch.Tensor,
                         case: str) -> None:
    n = len(y_hat)
    if out.shape == (n, n) and y_hat.shape != y.shape:
        raise Failure(
            f"y has shape {shape(y)} and y_hat {shape(y_hat)}: your loss has shape {shape(out)} — reshape y "
            f"like y_hat. Without it, y_hat - y broadcasts to every pair of a "
            f"prediction and a label: {n * n} numbers instead of {n}, and a loss far from the right one",
            case,
        )
    if out.dim() == 0 or out.numel() == 1:
        what = "a single number"
        if same(out.reshape(()), expected.sum()):
            what += " (the sum over the batch)"
        elif same(out.reshape(()), expected.mean()):
            what += " (the mean over the batch)"
        elif same(out.reshape(()), 2 * expected.mean()):
            what += " (the mean squared error, as nn.MSELoss gives)"
        raise Failure(
            f"your loss is {what}; squared_loss should give one loss per example, shape {shape(expected)}: "
            "the training loop sums them itself (l.sum().backward()) and sgd divides by batch_size",
            case,
        )
    if out.shape == y.shape and y.shape != y_hat.shape:
        raise Failure(
            f"your loss has shape {shape(out)}, the shape of y; it should have y_hat's shape "
            f"{shape(expected)}: reshape y like y_hat, not y_hat like y",
            case,
        )
    raise Failure(
        f"your loss has shape {shape(out)}; the book's has y_hat's shape {shape(expected)}: one loss per "
        "example",
        case,
    )


def _diagnose_loss_values(out: torch.Tensor, expected: torch.Tensor, y_hat: torch.Tensor, y: torch.Tensor,
                          case: str) -> None:
    diff = y_hat - y.reshape(y_hat.shape)
    if same(out, 2 * expected):
        raise Failure(
            "your loss is twice the book's: the / 2 is missing. The squared loss is (y_hat - y)² / 2 — the "
            "half cancels the 2 that comes down when the square is differentiated, so the gradient is "
            "simply y_hat - y",
            case,
        )
    if same(out, expected / 2):
        raise Failure("your loss is half the book's: the square is divided by 2 only once", case)
    if same(out, diff.abs() / 2) or same(out, diff.abs()) or same(out, diff / 2) or same(out, diff):
        raise Failure("your loss does not square the difference between prediction and label", case)
    raise Failure(
        f"your loss has different values: for y_hat = {number(y_hat.reshape(-1)[0])} and y = "
        f"{number(y.reshape(-1)[0])}, yours is {number(out.reshape(-1)[0])} and the book's "
        f"(y_hat - y)² / 2 = {number(expected.reshape(-1)[0])}",
        case,
    )
