"""What every check shares: running the learner's function, turning what went wrong into
plain words, and small comparisons of tensors.

A check raises Failure for a diagnosed mistake and lets LearnerError (an exception inside the
learner's code) travel up to checks.check_source, which maps it to the learner's line.
"""

from __future__ import annotations

import importlib
import inspect
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch


class Failure(Exception):
    """A mistake the check recognised: what is wrong, in plain words, and the case showing it."""

    def __init__(self, message: str, case: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.case = case


class LearnerError(Exception):
    """The learner's code raised `error` while the check ran `case`.

    `explain` (optional) says in plain words what usually causes this exception here.
    """

    def __init__(self, error: BaseException, case: str, explain: str = "") -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error
        self.case = case
        self.explain = explain


def core_function(dotted: str) -> Callable[..., Any]:
    """The scratch core's function named `dotted` (tutor.scratch.model.sgd ...)."""
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def call(fn: Callable[..., Any], case: str, *args: Any, **kwargs: Any) -> Any:
    """fn(*args, **kwargs); an exception in it becomes a LearnerError naming `case`."""
    try:
        return fn(*args, **kwargs)
    except Exception as error:
        raise LearnerError(error, case) from error


def accepts_keyword(fn: Callable[..., Any], name: str) -> bool:
    """Whether fn can be called with the keyword argument `name` (or takes **kwargs)."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(
        (p.name == name and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        or p.kind == p.VAR_KEYWORD
        for p in parameters
    )


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed torch's, Python's and numpy's global generators for a learner function that takes no
    generator (so a check gives the same verdict every time), and put them back afterwards so
    the learner's own session is not disturbed."""
    python_state = random.getstate()
    numpy_random = _numpy_random()
    numpy_state = numpy_random.get_state() if numpy_random is not None else None
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        random.seed(seed)
        if numpy_random is not None:
            numpy_random.seed(seed)
        try:
            yield
        finally:
            random.setstate(python_state)
            if numpy_random is not None:
                numpy_random.set_state(numpy_state)


def _numpy_random() -> Any:
    try:
        import numpy.random
    except ImportError:  # numpy is optional for torch; without it no learner code can use it
        return None
    return numpy.random


def leaf(t: torch.Tensor) -> torch.Tensor:
    """A fresh copy of t that requires grad, as the parameters w and b do in the book."""
    return t.detach().clone().requires_grad_(True)


def shape(value: Any) -> str:
    """A tensor's shape as Python prints a tuple: (10, 1), (10,), ()."""
    return str(tuple(value.shape))


def kind(value: Any) -> str:
    """What a returned value is, in plain words, for 'returned X, expected Y' messages."""
    if value is None:
        return "None"
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {shape(value)}"
    if inspect.isgenerator(value):
        return "a generator"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a {type(value).__name__} ({value!r:.60})"


def same(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Same shape and the same values up to float32 rounding (any order of operations)."""
    return a.shape == b.shape and torch.allclose(
        a.detach().double(), b.detach().double(), rtol=1e-4, atol=1e-5
    )


def changed(before: torch.Tensor, after: torch.Tensor) -> bool:
    """Whether a tensor the learner was handed differs from the copy taken before the call."""
    return before.shape != after.shape or not torch.equal(before, after.detach())


def number(x: float | torch.Tensor) -> str:
    """A float (or a one-element tensor) as a person writes it: 0.01, 4.2, 1.5e-05."""
    return f"{float(x):.4g}"


def numbers(t: torch.Tensor, limit: int = 6) -> str:
    """The first values of a tensor as a short list: [2, -3.4, 4.2]."""
    flat = [number(float(v)) for v in t.detach().reshape(-1)[:limit]]
    more = ", ..." if t.numel() > limit else ""
    return "[" + ", ".join(flat) + more + "]"
