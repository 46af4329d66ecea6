"""The book's training loop, made observable: a History instead of prints, a callback per step
for live plots, cooperative cancellation, divergence detection, and the closed-form answer
every run is compared against."""

from __future__ import annotations

import inspect
import math
import random
import time
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch

from tutor.scratch.data import data_iter, synthetic_data
from tutor.scratch.model import linreg, sgd, squared_loss

# The core functions a learner may replace (impl=), by dotted name.
REPLACEABLE = {
    f"{function.__module__}.{function.__name__}": function
    for function in (synthetic_data, data_iter, linreg, squared_loss, sgd)
}


def core_or_replacement(impl, function):
    """The learner's replacement for a core function if `impl` has one, else the core's own."""
    return (impl or {}).get(f"{function.__module__}.{function.__name__}", function)


def check_impl(impl):
    """Refuse a replacement for a name the core does not have, instead of silently ignoring it."""
    unknown = sorted(set(impl or {}) - set(REPLACEABLE))
    if unknown:
        raise ValueError(f"impl names unknown core functions {unknown}; known: {sorted(REPLACEABLE)}")


def call_with_accepted(function, *args, **optional):
    """Call `function(*args)`, adding only the keyword arguments its signature accepts.

    The core's own data_iter and synthetic_data take a `generator`; a learner's version usually
    does not, and then uses the global random state, which train() seeds instead.
    """
    parameters: Mapping[str, inspect.Parameter]
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        parameters = {}
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    accepted = {k: v for k, v in optional.items() if takes_any or k in parameters}
    return function(*args, **accepted)


@dataclass
class History:
    """What one training run did, step by step."""

    # mean minibatch loss of each step, in order (only finite values: see diverged_at)
    step_losses: list[float] = field(default_factory=list)
    # mean loss on all the data after each complete epoch
    epoch_losses: list[float] = field(default_factory=list)
    w: list[float] = field(default_factory=list)
    b: float = 0.0
    # wall time; excluded from == so that two runs with the same seed compare equal
    elapsed: float = field(default=0.0, compare=False)
    # the 1-based step at which the run was stopped as diverging (see `diverging`): its loss is
    # not in step_losses (or, rarely, the last step of an epoch whose update made the loss on all
    # the data overflow)
    diverged_at: int | None = None
    cancelled: bool = False
    # (w[0], w[1]) after each step, when train(record_path=True)
    path: list[tuple[float, float]] = field(default_factory=list)
    # w before the first step, so that a drawn path can start where the run started
    w_start: list[float] = field(default_factory=list)

    def to_dict(self) -> dict:
        """A JSON-safe dict: non-finite numbers become None."""
        return {
            "step_losses": [finite_or_none(x) for x in self.step_losses],
            "epoch_losses": [finite_or_none(x) for x in self.epoch_losses],
            "w": [finite_or_none(x) for x in self.w],
            "b": finite_or_none(self.b),
            "elapsed": self.elapsed,
            "diverged_at": self.diverged_at,
            "cancelled": self.cancelled,
            "path": [[finite_or_none(a), finite_or_none(c)] for a, c in self.path],
            "w_start": [finite_or_none(x) for x in self.w_start],
        }


# A run diverges when a step's loss is not finite, or more than this many times the first step's.
# SGD on a convex loss that converges never climbs that far: in the lessons' runs the minibatch loss
# stays within 3x of where it started (lr 1.8, just below the threshold), while a run that blows up
# passes 1000x within a few steps of leaving the basin and, without this rule, could end at 1e15
# without ever overflowing (lr 1.9) and pass for a run that merely ended high.
DIVERGENCE_FACTOR = 1000.0


def diverging(step_loss: float, first_loss: float | None) -> bool:
    """Whether a step's loss means the run diverged: not finite, or above DIVERGENCE_FACTOR times
    the first step's loss (first_loss; None on the first step itself)."""
    if not math.isfinite(step_loss):
        return True
    return first_loss is not None and first_loss > 0 and step_loss > DIVERGENCE_FACTOR * first_loss


def finite_or_none(x):
    x = float(x)
    return x if math.isfinite(x) else None


def init_params(num_inputs, init, generator):
    """w ~ N(0, 0.01²) (or zeros) and b = 0, as in the book.

    Both record gradients: requires_grad=True."""
    if init == "normal":
        w = torch.normal(0, 0.01, size=(num_inputs, 1),
                         generator=generator, requires_grad=True)
    elif init == "zeros":
        w = torch.zeros(size=(num_inputs, 1), requires_grad=True)
    else:
        raise ValueError(f"init is 'normal' or 'zeros', not {init!r}")
    b = torch.zeros(1, requires_grad=True)
    return w, b


@contextmanager
def seeded_global_random(seed):
    """Seed python's `random` and torch's global generator for a block, then restore both.

    A learner's data_iter may shuffle with random.shuffle or torch.randperm without a generator:
    seeded, their runs are reproducible too, and the learner's own random state is left alone.
    """
    python_state = random.getstate()
    random.seed(seed)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            yield
    finally:
        random.setstate(python_state)


def train(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, init="normal", seed=0,
          on_step=None, should_stop=None, record_path=False, impl=None) -> History:
    """Train linreg with minibatch SGD on (features, labels): the book's loop, observed.

    on_step(step, loss) is called after every step (1-based global step, mean minibatch loss);
    should_stop() is asked before every step and cancels the run when it returns True. A loss
    that diverges (not finite, or DIVERGENCE_FACTOR times the first step's) stops the run before
    that step's update: history.diverged_at is that step. impl maps core dotted
    names to the learner's replacements. The same seed gives the same History bit for bit:
    generators seeded with `seed` draw the initial w and shuffle the batches (two of them, so
    that runs that differ only in init see the same batches).
    """
    check_impl(impl)
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    if record_path and features.shape[1] < 2:
        raise ValueError("record_path needs at least two features: the path is (w[0], w[1])")
    net = core_or_replacement(impl, linreg)
    loss = core_or_replacement(impl, squared_loss)
    update = core_or_replacement(impl, sgd)
    batches = core_or_replacement(impl, data_iter)
    w, b = init_params(features.shape[1], init, torch.Generator().manual_seed(seed))
    shuffling = torch.Generator().manual_seed(seed)
    history = History(w_start=w.detach().reshape(-1).tolist())
    start = time.perf_counter()

    with seeded_global_random(seed):
        step = 0
        for _epoch in range(num_epochs):
            for X, y in call_with_accepted(batches, batch_size, features, labels, generator=shuffling):
                if should_stop is not None and should_stop():
                    history.cancelled = True
                    return _finished(history, w, b, start)
                step += 1
                l = loss(net(X, w, b), y)
                # l holds one loss per example: sum it to a scalar for backward(), as the book does
                l_sum = l.sum()
                step_loss = l_sum.item() / l.numel()
                if diverging(step_loss, history.step_losses[0] if history.step_losses else None):
                    history.diverged_at = step
                    return _finished(history, w, b, start)
                l_sum.backward()
                update([w, b], lr, batch_size)
                history.step_losses.append(step_loss)
                if record_path:
                    history.path.append((w[0, 0].item(), w[1, 0].item()))
                if on_step is not None:
                    on_step(step, step_loss)
            with torch.no_grad():
                epoch_loss = float(loss(net(features, w, b), labels).mean())
            if not math.isfinite(epoch_loss):
                # this epoch's last update took the loss past what a float holds
                history.diverged_at = step
                return _finished(history, w, b, start)
            history.epoch_losses.append(epoch_loss)
    return _finished(history, w, b, start)


def _finished(history, w, b, start):
    history.w = w.detach().reshape(-1).tolist()
    history.b = float(b.detach().reshape(-1)[0])
    history.elapsed = time.perf_counter() - start
    return history


def closed_form(features, labels):
    """The least-squares answer (w, b, loss): what SGD should approach.

    Solves the normal equations X^T X [w; b] = X^T y, with a column
    of ones for the bias, in float64. loss is the mean squared_loss
    there: the noise floor a trained model can reach.
    (torch.linalg.lstsq would do too, but its last bits vary from
    call to call; this is the same every time.)
    """
    X64 = features.double()
    ones = torch.ones(len(features), 1, dtype=torch.float64)
    X = torch.cat([X64, ones], dim=1)
    y = labels.double().reshape(-1, 1)
    solution = torch.linalg.solve(X.T @ X, X.T @ y)
    w, b = solution[:-1], solution[-1]
    loss = float(squared_loss(linreg(X64, w, b), y).mean())
    return w.reshape(-1).tolist(), float(b), loss
