"""The check of the learner's sgd: two steps in a row against the core's.

Each step follows a real backward(); the check compares the caller's w and b afterwards with
the core's (in place? by the right amount? in the right direction?) and what is left in .grad,
so gradients left to accumulate show in the second step. When the step is the book's step times
a telling factor (-1, batch_size, 1 / lr ...) the check names that mistake.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from tutor.practice.support import (
    Failure,
    LearnerError,
    call,
    changed,
    core_function,
    leaf,
    number,
    numbers,
    same,
    shape,
)

SGD = "tutor.scratch.model.sgd"

LEAF_IN_PLACE = (
    "your sgd updates a parameter in place outside torch.no_grad(). torch refuses: w and b are leaf "
    "tensors that require grad — the inputs autograd computes gradients for — and while autograd is "
    "recording it does not let such a tensor be changed in place, so it raises \"a leaf Variable that "
    "requires grad is being used in an in-place operation\". Make the update inside a "
    "torch.no_grad() block, which tells autograd that the update is not part of the model"
)
GRAD_IS_NONE = (
    "param.grad is None here: param is no longer the caller's tensor. Assigning param = (a new "
    "value) makes a new tensor (with no gradient) and only rebinds the name; the caller's w stays "
    "unchanged. Update the tensor itself, in place (an augmented assignment such as -= changes it), "
    "inside torch.no_grad()"
)
IN_PLACE = "update each tensor itself, in place, inside torch.no_grad()"


def _batch(g: torch.Generator, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.normal(0, 1, (size, 2), generator=g)
    y = X @ torch.tensor([[2.0], [-3.4]]) + 4.2
    return X, y


def _backward(w: torch.Tensor, b: torch.Tensor, X: torch.Tensor, y: torch.Tensor) -> None:
    # The book's loss, summed over the batch, written out so the check depends on no learner code.
    ((X @ w + b - y) ** 2 / 2).sum().backward()


def _grad(t: torch.Tensor) -> torch.Tensor:
    return torch.zeros_like(t) if t.grad is None else t.grad.detach().clone()


class _Watch(TorchFunctionMode):
    """Notes whether any torch operation (reading .grad included) used one of `tensors`: an sgd
    that leaves the parameters unchanged either rebinds a new tensor (it used them) or does
    nothing at all (it did not), and the two need different advice."""

    def __init__(self, tensors: list[torch.Tensor]) -> None:
        super().__init__()
        self.ids = {id(t) for t in tensors}
        self.used = False

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if not self.used:
            self.used = any(id(a) in self.ids for a in _flat([args, kwargs or {}]))
        return func(*args, **(kwargs or {}))


def _flat(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _flat(item)]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _flat(item)]
    return [value]


def _sgd_step(fn: Callable[..., Any], params: list[torch.Tensor], lr: float, batch_size: int,
              case: str) -> bool:
    """Run the learner's sgd(params, lr, batch_size); whether it used the parameters at all."""
    watch = _Watch([*params, *(p.grad for p in params if p.grad is not None)])
    try:
        with warnings.catch_warnings(), watch:
            # reading .grad of a non-leaf (after rebinding) warns; the check explains it instead
            warnings.simplefilter("ignore")
            call(fn, case, params, lr, batch_size)
    except LearnerError as error:
        text = str(error.error)
        if isinstance(error.error, RuntimeError) and "leaf Variable" in text and "in-place" in text:
            raise LearnerError(error.error, case, LEAF_IN_PLACE) from error.error
        if isinstance(error.error, AttributeError) and "'NoneType'" in text:
            raise LearnerError(error.error, case, GRAD_IS_NONE) from error.error
        raise
    return watch.used


def check_sgd(fn: Callable[..., Any]) -> str:
    core = core_function(SGD)
    g = torch.Generator().manual_seed(51)
    w0 = torch.normal(0, 0.01, (2, 1), generator=g)
    b0 = torch.zeros(1)
    w, b = leaf(w0), leaf(b0)
    core_w, core_b = leaf(w0), leaf(b0)
    caller = {"w": w, "b": b}
    core_params = {"w": core_w, "b": core_b}
    # Two steps in a row, with different lr and batch_size, each after a fresh backward().
    steps = [(0.03, 10), (0.1, 4)]
    left_over: dict[str, torch.Tensor] = {}
    for number_, (lr, batch_size) in enumerate(steps, 1):
        X, y = _batch(g, batch_size)
        _backward(w, b, X, y)
        _backward(core_w, core_b, X, y)
        case = (
            f"step {number_} of two in a row: sgd([w, b], lr={lr}, batch_size={batch_size}) with w of shape "
            f"{shape(w0)} and b {shape(b0)}, after loss.sum().backward()"
        )
        before = {name: t.detach().clone() for name, t in caller.items()}
        grads = {name: _grad(t) for name, t in caller.items()}
        params = [w, b]
        used = _sgd_step(fn, params, lr, batch_size, case)
        replaced = len(params) != 2 or params[0] is not w or params[1] is not b
        core([core_w, core_b], lr, batch_size)
        moved = {name: changed(before[name], t) for name, t in caller.items()}
        for name in caller:
            others_moved = any(m for other, m in moved.items() if other != name)
            _check_update(name, caller[name], before[name], grads[name], core_params[name], replaced,
                          others_moved, used, lr, batch_size, left_over.get(name), case)
        left_over = {
            name: t.grad.detach().clone()
            for name, t in caller.items()
            if t.grad is not None and bool(t.grad.abs().max() > 0)
        }
    if left_over:
        name = next(iter(left_over))
        raise Failure(
            f"gradients left to accumulate: after your sgd, {name}.grad still holds this step's gradient, and "
            "the next backward() adds to it. Zero each gradient after the update",
            case,
        )
    return (
        "your sgd matches the book's: each parameter moves by -lr * grad / batch_size, in place (the "
        "caller's tensors change), and the gradients are cleared for the next step — two steps in a row"
    )


def _check_update(name: str, param: torch.Tensor, before: torch.Tensor, grad: torch.Tensor,
                  expected: torch.Tensor, replaced: bool, others_moved: bool, used: bool, lr: float,
                  batch_size: int, left_over: torch.Tensor | None, case: str) -> None:
    """The caller's parameter after one learner step against the core's after the same step.

    grad is what param.grad held when sgd was called; left_over is the part of it the previous
    step left behind (not zeroed), if any; replaced: the learner put new tensors into the list;
    others_moved: another parameter changed; used: the learner's sgd touched the parameters."""
    if not param.requires_grad:
        raise Failure(
            f"after your sgd, {name} no longer requires grad, so the next backward() cannot compute its "
            "gradient: update the values under torch.no_grad() and leave requires_grad alone",
            case,
        )
    if same(param, expected):
        return
    if not changed(before, param):
        if others_moved and not replaced:
            raise Failure(
                f"your sgd did not update {name}, only the other parameters: update every tensor in params "
                "(for param in params: ...)",
                case,
            )
        if replaced:
            raise Failure(
                "parameters rebound instead of updated in place: your sgd put new tensors into the list "
                f"params, but the caller's {name} is the same old tensor and did not change: {IN_PLACE}",
                case,
            )
        if not used:
            raise Failure(
                "your sgd did nothing: it never used the parameters or their gradients, and the caller's "
                f"{name} did not change. Each parameter in params should take a step against its "
                "gradient, and then have its gradient zeroed",
                case,
            )
        if bool(grad.abs().max() > 0) and left_over is None and (
                param.grad is None or not bool(param.grad.abs().max() > 0)):
            raise Failure(
                f"your sgd did not move {name}, and its gradient is now zero: did it zero the gradient before "
                "the update used it? Update first, then zero the gradient",
                case,
            )
        raise Failure(
            f"parameters rebound instead of updated in place: the caller's {name} did not change. "
            "Assigning param = (a new value) makes a new tensor and only rebinds the loop's name to it; "
            f"{IN_PLACE}",
            case,
        )
    step = param.detach().double() - before.double()
    book = expected.detach().double() - before.double()
    if left_over is not None:
        summed = -lr * grad.double() / batch_size  # param.grad after backward: the old gradient + the new
        if torch.allclose(step, summed, rtol=1e-4, atol=1e-8) and not torch.allclose(summed, book):
            raise Failure(
                "gradients left to accumulate: your sgd does not zero the gradients, so backward() added this "
                f"step's gradient to the last one and the second step used the sum of both ({name}.grad was "
                f"{numbers(grad)} instead of {numbers(grad - left_over)}). Zero them after the update",
                case,
            )
    _diagnose_step(name, param, step, book, lr, batch_size, expected, case)


def _diagnose_step(name: str, param: torch.Tensor, step: torch.Tensor, book: torch.Tensor, lr: float,
                   batch_size: int, expected: torch.Tensor, case: str) -> None:
    """Name the mistake when the learner's step is the book's step times a telling factor."""
    scale = float((step * book).sum() / (book * book).sum()) if bool(book.abs().max() > 0) else 0.0
    proportional = torch.allclose(step, scale * book, rtol=1e-3, atol=1e-8)
    known = [
        (-1.0, f"ascent instead of descent: your sgd moves {name} along the gradient, uphill, so the loss "
               "grows. The step goes against the gradient"),
        (float(batch_size), f"your step is batch_size ({batch_size}) times too large: the division by "
                            "batch_size is missing. The loss was summed over the batch (l.sum().backward()), "
                            "so param.grad is the sum of batch_size gradients; step by their mean"),
        (-float(batch_size), f"ascent instead of descent, and the division by batch_size is missing: your "
                             f"sgd moves {name} uphill, batch_size times too far"),
        (1.0 / batch_size, f"your step is batch_size ({batch_size}) times too small: you divide by "
                           "batch_size twice"),
        (1.0 / lr, "your step ignores the learning rate lr: the gradient is scaled by lr"),
    ]
    if proportional:
        for factor, message in known:
            if abs(scale - factor) <= 1e-3 * abs(factor):
                raise Failure(message, case)
    raise Failure(
        f"after one step your {name} is {numbers(param)}; the book's sgd gives {numbers(expected)} "
        f"(a step of lr = {lr} times the mean gradient over batch_size = {batch_size} examples, "
        "against the gradient)"
        + (f": your step is {number(scale)} times the book's" if proportional else ""),
        case,
    )
