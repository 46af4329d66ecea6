"""One experiment per exercise of the chapter, each returning what a plot and a quiz need.

Every experiment is called as fn(*, seed=0, on_point=None, should_stop=None, impl=None, **params)
and returns a JSON-safe dict:
    curves   {label: {"x": [...], "y": [...]}}  exactly the points streamed to on_point(label, x, y)
    xlabel, ylabel, log_y                       (log_y: the UI plots log10(y))
    diverged {label: 1-based step where the run diverged (train.diverging), or None}
    facts    {snake_case name: number, short string or short list}
    cancelled                                   True when should_stop() ended it early
    path, surface                               (optional) the SGD path in (w1, w2) and the loss surface
should_stop() is asked every step; once it says True the experiment returns what it has. The
same seed gives the same result. impl replaces core functions by dotted name, as in train().
"""

from __future__ import annotations

import math

import torch

from tutor.scratch.data import data_iter, synthetic_data
from tutor.scratch.model import linreg, sgd, squared_loss
from tutor.scratch.train import (
    call_with_accepted,
    check_impl,
    closed_form,
    core_or_replacement,
    finite_or_none,
    seeded_global_random,
    train,
)

TRUE_W = [2.0, -3.4]
TRUE_B = 4.2


def make_data(seed=0, num_examples=1000, noise=0.01, w=TRUE_W, b=TRUE_B, impl=None):
    """The chapter's data set: synthetic_data(w, b, num_examples) drawn from a generator seeded with `seed`.

    A learner's synthetic_data (impl) that takes no generator runs with the global random
    generators seeded instead (and restored afterwards), so it is reproducible too.
    """
    make = core_or_replacement(impl, synthetic_data)
    with seeded_global_random(seed):
        generator = torch.Generator().manual_seed(seed)
        return call_with_accepted(make, torch.tensor(w), b, num_examples, generator=generator, noise=noise)


def loss_on_all(features, labels, w, b):
    """Mean squared_loss of linreg with parameters (w list, b) on all the data; None if not finite."""
    with torch.no_grad():
        w = torch.tensor(w, dtype=features.dtype).reshape(-1, 1)
        return finite_or_none(squared_loss(linreg(features, w, b), labels).mean())


class Recorder:
    """Collects the curves an experiment plots, streaming every point as it is made."""

    def __init__(self, on_point, should_stop, labels=()):
        self.curves: dict[str, dict[str, list]] = {label: {"x": [], "y": []} for label in labels}
        self.diverged: dict[str, int | None] = {label: None for label in labels}
        self.cancelled = False
        self._on_point = on_point
        self._should_stop = should_stop

    def point(self, label, x, y):
        if finite_or_none(y) is None:
            return  # only finite values are plotted; a diverged run's curve just ends
        curve = self.curves.setdefault(label, {"x": [], "y": []})
        curve["x"].append(x)
        curve["y"].append(y)
        if self._on_point is not None:
            self._on_point(label, x, y)

    def on_step(self, label):
        """A train() on_step callback that plots the step's loss on curve `label`."""
        return lambda step, loss: self.point(label, step, loss)

    def stop(self):
        """should_stop for the runs inside an experiment; stays True once asked to stop."""
        if not self.cancelled and self._should_stop is not None and self._should_stop():
            self.cancelled = True
        return self.cancelled

    def result(self, *, xlabel, ylabel, log_y, facts, **extra):
        return json_safe({"curves": self.curves, "xlabel": xlabel, "ylabel": ylabel, "log_y": log_y,
                          "diverged": self.diverged, "facts": facts, "cancelled": self.cancelled,
                          **extra})


def json_safe(value):
    """Only str, int, float, bool, None, lists and dicts; a non-finite float becomes None."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, torch.Tensor):
        return json_safe(value.tolist())
    return finite_or_none(value)


def _surface(features, labels):
    """The loss surface in (w1, w2) with b fixed at its least-squares value.

    With b = b*, L(w) = min_loss + 1/2 (w - w*)^T H (w - w*) exactly, H = X^T X / n: the loss is
    quadratic, so the UI can draw its contour rings from these three numbers.
    """
    w_star, _, min_loss = closed_form(features, labels)
    X = features.double()
    hessian = (X.T @ X / len(X)).tolist()
    return {"center": w_star[:2], "hessian": hessian, "min_loss": min_loss}


def _path(history):
    """The drawn path: where the run started, then (w1, w2) after each step (finite points only)."""
    points = [tuple(history.w_start[:2])] + history.path
    return [list(p) for p in points if all(math.isfinite(c) for c in p)]


def train_experiment(*, lr=0.03, batch_size=10, num_epochs=3, num_examples=1000, init="normal",
                     noise=0.01, record_path=False, seed=0, on_point=None, should_stop=None, impl=None):
    """The book's training run: minibatch SGD recovers w = [2, -3.4], b = 4.2 from noisy data.

    Shows the minibatch loss falling to the noise floor (the closed-form loss, about noise²/2)
    within a few epochs, and how close w_hat and b_hat get to the truth.
    """
    check_impl(impl)
    rec = Recorder(on_point, should_stop, ["loss"])
    features, labels = make_data(seed, num_examples, noise, impl=impl)
    history = train(features, labels, lr=lr, batch_size=batch_size, num_epochs=num_epochs, init=init,
                    seed=seed, on_step=rec.on_step("loss"), should_stop=rec.stop,
                    record_path=record_path, impl=impl)
    rec.diverged["loss"] = history.diverged_at
    _, _, closed_loss = closed_form(features, labels)
    facts = {
        "w_hat": history.w,
        "b_hat": history.b,
        # every error in the facts is learned minus true, as R_error_pct and T_error_pct are
        "w_error": [w - t for t, w in zip(TRUE_W, history.w)],
        "b_error": history.b - TRUE_B,
        "final_loss": loss_on_all(features, labels, history.w, history.b),
        "closed_form_loss": closed_loss,
        "epoch_losses": history.epoch_losses,
        "diverged_at": history.diverged_at,
    }
    extra = {}
    if record_path:
        extra = {"path": {"loss": _path(history)}, "surface": _surface(features, labels)}
    return rec.result(xlabel="step", ylabel="minibatch loss", log_y=True, facts=facts, **extra)


def _mlp_hidden_spread(features, labels, *, hidden, constant, lr, batch_size, num_epochs, seed,
                       stop, impl, on_step=None):
    """Train a 2-layer tanh MLP; return (max difference between its hidden units, final loss).

    on_step(step, loss) is called after every step with its mean minibatch loss, as train() does.

    Each hidden unit j has its own tensors (input weights u_j, bias c_j, output weight v_j), so
    every unit is computed by the very same operations on same-shaped tensors. Units that start
    equal then get equal gradients bit for bit. (With one (d, hidden) matrix, torch's vectorised
    kernels round some columns differently from others: for some widths differences of about
    1e-7 appear and can grow, so units would drift apart by rounding, not by learning.)
    """
    loss, update = core_or_replacement(impl, squared_loss), core_or_replacement(impl, sgd)
    generator = torch.Generator().manual_seed(seed)

    def weight(shape):
        if constant:
            return torch.full(shape, 0.5, requires_grad=True)
        return torch.normal(0, 0.5, shape, generator=generator, requires_grad=True)

    units = [(weight((features.shape[1], 1)), torch.zeros(1, requires_grad=True), weight((1,)))
             for _ in range(hidden)]
    b_out = torch.zeros(1, requires_grad=True)
    params = [p for unit in units for p in unit] + [b_out]

    def net(X):
        return b_out + sum(torch.tanh(torch.matmul(X, u) + c) * v for u, c, v in units)

    step = 0
    for _epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, generator):
            if stop():
                break
            l = loss(net(X), y)
            l.sum().backward()
            update(params, lr, batch_size)
            step += 1
            if on_step is not None:
                on_step(step, l.sum().item() / l.numel())
    with torch.no_grad():
        per_unit = torch.stack([torch.cat([u.reshape(-1), c, v]) for u, c, v in units])
        spread = float((per_unit.max(dim=0).values - per_unit.min(dim=0).values).max())
        final = finite_or_none(squared_loss(net(features), labels).mean())
    return spread, final


def zero_init(*, lr=0.03, batch_size=10, num_epochs=3, hidden=4, model="linreg", seed=0, on_point=None,
              should_stop=None, impl=None):
    """Exercise 1: initialising the weights to zero.

    Linear regression from w = 0 converges just as from a random w: the loss is convex, and
    every weight gets its own gradient from the data. In a two-layer MLP, though, hidden units
    that start equal (a constant init) get equal gradients and stay equal for ever
    (mlp_constant_max_diff is exactly 0: they act as one unit); a random init breaks the symmetry
    (mlp_random_max_diff > 0). Curves (model): "linreg", its minibatch loss from zeros and from a
    random init; "mlp", the MLP's minibatch loss from the constant and from the random init. The
    facts are the same either way.
    """
    check_impl(impl)
    if model not in ("linreg", "mlp"):
        raise ValueError(f"model is 'linreg' or 'mlp', not {model!r}")
    mlp_labels = {True: "mlp constant", False: "mlp random"}
    rec = Recorder(on_point, should_stop, ["zeros", "random"] if model == "linreg" else list(mlp_labels.values()))
    features, labels = make_data(seed, impl=impl)
    finals = {}
    for label, init in (("zeros", "zeros"), ("random", "normal")):
        history = train(features, labels, lr=lr, batch_size=batch_size, num_epochs=num_epochs,
                        init=init, seed=seed, should_stop=rec.stop, impl=impl,
                        on_step=rec.on_step(label) if model == "linreg" else None)
        if model == "linreg":
            rec.diverged[label] = history.diverged_at
        finals[label] = loss_on_all(features, labels, history.w, history.b)
    mlp = {}
    for constant in (True, False):
        if rec.stop():
            mlp[constant] = (None, None)
            continue
        mlp[constant] = _mlp_hidden_spread(features, labels, hidden=hidden, constant=constant, lr=lr,
                                           batch_size=batch_size, num_epochs=num_epochs, seed=seed,
                                           stop=rec.stop, impl=impl,
                                           on_step=rec.on_step(mlp_labels[constant]) if model == "mlp" else None)
    facts = {
        "zeros_final_loss": finals["zeros"],
        "random_final_loss": finals["random"],
        "closed_form_loss": closed_form(features, labels)[2],
        "mlp_constant_max_diff": mlp[True][0],
        "mlp_random_max_diff": mlp[False][0],
        "mlp_constant_final_loss": mlp[True][1],
        "mlp_random_final_loss": mlp[False][1],
    }
    return rec.result(xlabel="step", ylabel="minibatch loss", log_y=True, facts=facts)


def ohm(*, R=3.3, b=2.2, lr=0.05, batch_size=10, num_epochs=5, num_examples=1000, noise=0.01, seed=0,
        on_point=None, should_stop=None, impl=None):
    """Exercise 2: Ohm's law U = I R + b, learnt with autograd from noisy measurements.

    The currents I are the features (one column), the voltages U the labels: the same linreg,
    squared_loss and sgd recover the resistance R (R_error_pct is the signed error in percent).
    """
    check_impl(impl)
    rec = Recorder(on_point, should_stop, ["loss"])
    currents, voltages = make_data(seed, num_examples, noise, w=[R], b=b, impl=impl)
    history = train(currents, voltages, lr=lr, batch_size=batch_size, num_epochs=num_epochs, seed=seed,
                    on_step=rec.on_step("loss"), should_stop=rec.stop, impl=impl)
    rec.diverged["loss"] = history.diverged_at
    R_hat = history.w[0]
    facts = {
        "R_hat": R_hat,
        "b_hat": history.b,
        "R_error_pct": 100 * (R_hat - R) / R,
        "final_loss": loss_on_all(currents, voltages, history.w, history.b),
        "closed_form_loss": closed_form(currents, voltages)[2],
    }
    return rec.result(xlabel="step", ylabel="minibatch loss", log_y=True, facts=facts)


# Planck's second radiation constant h c / k in micrometre-kelvin, and Wien's displacement constant.
PLANCK_C2_UM_K = 14387.77
WIEN_B_UM_K = 2897.77
PLANCK_POINTS = 100
PLANCK_T_START = 2000.0


def planck_radiance_shape(wavelength_um, T):
    """Planck's spectral radiance up to a constant factor:
    lambda^-5 / (exp(c2 / (lambda T)) - 1), lambda in micrometres."""
    # x is dimensionless, the same in any units; here x >= 0.48, where
    # exp(x) - 1 is as exact as expm1 (which matters only for x << 1);
    # float64 keeps exp(x) finite up to x = 709 (here x <= 72)
    x = PLANCK_C2_UM_K / (wavelength_um * T)
    return wavelength_um ** -5 / torch.expm1(x)


def planck(*, T=5000.0, lr=0.1, steps=500, noise=0.01, seed=0, on_point=None, should_stop=None,
           impl=None):
    """Exercise 3: the temperature of a black body from its spectrum, with autograd.

    The data: Planck's spectral radiance of a body at temperature T at 100 wavelengths from
    0.2 to 3 micrometres, plus normal noise of standard deviation noise x the spectrum's peak.
    Gradient descent (the book's squared_loss and sgd) on log T then finds T_hat, starting from
    T_start = 2000 K. Numerically sound because:
    - x = c2 / (lambda T) is dimensionless (5.7551 at 0.5 um and 5000 K, in SI units too);
      units change only the prefactor 2hc^2 / lambda^5 (B is about 1.2e13 in SI), which
      is left out here and which the normalisation would remove anyway;
    - spectra are compared by shape: data and model are each divided by their mean over the
      wavelengths, so values are of order 1 and the unknown brightness (distance, detector gain)
      drops out; the temperature is in the colour, not the brightness;
    - the parameter is log T: a step changes T by a factor, the same at 1000 K as at 10000 K,
      and T = exp(log T) can never turn negative.
    """
    check_impl(impl)
    rec = Recorder(on_point, should_stop, ["loss"])
    loss, update = core_or_replacement(impl, squared_loss), core_or_replacement(impl, sgd)
    generator = torch.Generator().manual_seed(seed)
    wavelengths = torch.linspace(0.2, 3.0, PLANCK_POINTS, dtype=torch.float64)
    clean = planck_radiance_shape(wavelengths, torch.tensor(T, dtype=torch.float64))
    measured = clean + noise * clean.max() * torch.normal(0, 1, clean.shape, generator=generator,
                                                          dtype=torch.float64)
    target = measured / measured.mean()

    log_T = torch.tensor(math.log(PLANCK_T_START), dtype=torch.float64, requires_grad=True)
    for step in range(1, steps + 1):
        if rec.stop():
            break
        model = planck_radiance_shape(wavelengths, log_T.exp())
        l = loss(model / model.mean(), target)
        l_sum = l.sum()
        step_loss = l_sum.item() / l.numel()
        if not math.isfinite(step_loss):
            rec.diverged["loss"] = step
            break
        l_sum.backward()
        update([log_T], lr, PLANCK_POINTS)
        rec.point("loss", step, step_loss)
    T_hat = math.exp(log_T.item())
    facts = {
        "T_hat": T_hat,
        "T_error_pct": 100 * (T_hat - T) / T,
        "T_start": PLANCK_T_START,
        "wien_peak_um": WIEN_B_UM_K / T,
    }
    return rec.result(xlabel="step", ylabel="loss", log_y=True, facts=facts)


def second_derivative(*, x0=1.0, seed=0, on_point=None, should_stop=None, impl=None):
    """Exercise 4: second derivatives with autograd, for f(x) = x**3 (f' = 3x², f'' = 6x).

    torch.autograd.grad(y, x, create_graph=True) returns f'(x) as a tensor that is itself part
    of a graph, so a second grad gives f''(x). With only retain_graph=True the graph of y is
    kept (so backward can run through it again), but f'(x) comes back as a plain tensor with no
    grad_fn: differentiating it again fails. retain_graph_only is that real outcome (the
    exception torch raises, type and message). retain_graph is for running backward through the
    same graph twice, not for higher derivatives. Curves: f, f', f'' by autograd on x in [-2, 2].
    """
    check_impl(impl)
    rec = Recorder(on_point, should_stop, ["f", "f'", "f''"])
    for i in range(41):
        if rec.stop():
            break
        x_value = -2.0 + 0.1 * i
        x = torch.tensor(x_value, dtype=torch.float64, requires_grad=True)
        y = x ** 3
        (dy,) = torch.autograd.grad(y, x, create_graph=True)
        (d2y,) = torch.autograd.grad(dy, x)
        rec.point("f", x_value, y.item())
        rec.point("f'", x_value, dy.item())
        rec.point("f''", x_value, d2y.item())

    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    (dy,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    (d2y,) = torch.autograd.grad(dy, x)

    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    (dy_kept,) = torch.autograd.grad(x ** 3, x, retain_graph=True)
    try:
        (d2_kept,) = torch.autograd.grad(dy_kept, x)
        retain_graph_only = f"no error: {d2_kept.item()!r}"
    except Exception as error:  # what torch really does is the lesson
        retain_graph_only = f"{type(error).__name__}: {error}"

    facts = {
        "function": "x**3",
        "x0": x0,
        "d1_autograd": dy.item(),
        "d2_autograd": d2y.item(),
        "d2_analytic": 6 * x0,
        "create_graph_grad_has_grad_fn": dy.grad_fn is not None,
        "retain_graph_grad_has_grad_fn": dy_kept.grad_fn is not None,
        "retain_graph_only": retain_graph_only,
    }
    return rec.result(xlabel="x", ylabel="value", log_y=False, facts=facts)


def squared_loss_without_reshape(y_hat, y):
    """squared_loss with the reshape left out: y (n,) against y_hat (n, 1) broadcasts to (n, n)."""
    return (y_hat - y) ** 2 / 2


def reshape(*, n=10, lr=0.03, batch_size=10, num_epochs=3, seed=0, on_point=None, should_stop=None,
            impl=None):
    """Exercise 5: why squared_loss reshapes y.

    With labels of shape (n,) and predictions of (n, 1), y_hat - y broadcasts to an (n, n)
    matrix: every prediction against every label. The facts show it on n examples with the true
    w and b, where the right loss is the noise floor and the wrong one is huge; the curves train
    with each loss (labels (n,) for the wrong one) and plot the right loss of each run's
    parameters on its minibatch, so they compare. Without the reshape the loss stays high: each
    prediction meets its own label in 1 of the B pairs of its row, so averaged over random
    batches the wrong loss is lowest at w = w_true / B (b near mean_label), where the run heads
    (w_hat_without_reshape, b_hat_without_reshape).
    """
    check_impl(impl)
    rec = Recorder(on_point, should_stop, ["with reshape", "without reshape"])
    # n sets the size of the shape demonstration; both runs train on the chapter's 1000 examples
    features, labels = make_data(seed, max(n, 1000), impl=impl)
    X, y = features[:n], labels[:n].reshape(-1)
    y_hat = linreg(X, torch.tensor(TRUE_W).reshape(-1, 1), TRUE_B)
    wrong = squared_loss_without_reshape(y_hat, y)

    right = train(features, labels, lr=lr, batch_size=batch_size, num_epochs=num_epochs, seed=seed,
                  on_step=rec.on_step("with reshape"), should_stop=rec.stop, impl=impl)
    rec.diverged["with reshape"] = right.diverged_at

    right_loss_of_batch = [None]

    def loss_without_reshape_noting_right_loss(y_hat, y):
        right_loss_of_batch[0] = squared_loss(y_hat.detach(), y).mean().item()
        return squared_loss_without_reshape(y_hat, y)

    without = train(features, labels.reshape(-1), lr=lr, batch_size=batch_size, num_epochs=num_epochs,
                    seed=seed, should_stop=rec.stop,
                    on_step=lambda step, _: rec.point("without reshape", step, right_loss_of_batch[0]),
                    impl={**(impl or {}), "tutor.scratch.model.squared_loss":
                          loss_without_reshape_noting_right_loss})
    rec.diverged["without reshape"] = without.diverged_at
    facts = {
        "y_shape": str(tuple(y.shape)),
        "y_hat_shape": str(tuple(y_hat.shape)),
        "broadcast_shape": str(tuple(wrong.shape)),
        "loss_right": squared_loss(y_hat, y).mean().item(),
        "loss_wrong": wrong.mean().item(),
        "final_loss_with_reshape": loss_on_all(features, labels, right.w, right.b),
        "final_loss_without_reshape": loss_on_all(features, labels, without.w, without.b),
        "w_hat_without_reshape": without.w,
        "b_hat_without_reshape": without.b,
        "mean_label": labels.mean().item(),
    }
    return rec.result(xlabel="step", ylabel="loss (with reshape) of the run's parameters", log_y=True,
                      facts=facts)


def _lr_label(lr):
    return f"lr={lr:g}"


def learning_rates(*, lrs=(0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0), batch_size=10, num_epochs=3,
                   seed=0, on_point=None, should_stop=None, impl=None):
    """Exercise 6: the learning rate, from too slow to divergent.

    One run per learning rate on the same data, initial w and batches (curve labels "lr=0.03").
    A run diverges when its loss on all data ends above where it started, or turns inf/nan
    (diverged[label] is then the step). The divergence threshold is measured, not assumed:
    bisection (on a log scale) between the largest lr of the sweep that converged and the
    smallest that diverged, each probe a full run with the same seed; largest_converging_lr and
    smallest_diverging_lr bracket it. full_batch_limit = 2 / (largest eigenvalue of the Hessian)
    is where plain gradient descent on all the data would start to diverge, for comparison.
    best_lr has the lowest final loss.
    """
    check_impl(impl)
    curve_labels = [_lr_label(lr) for lr in lrs]
    rec = Recorder(on_point, should_stop, curve_labels)
    features, labels = make_data(seed, impl=impl)

    def run(lr, label=None):
        history = train(features, labels, lr=lr, batch_size=batch_size, num_epochs=num_epochs,
                        seed=seed, record_path=True, should_stop=rec.stop, impl=impl,
                        on_step=rec.on_step(label) if label else None)
        start = loss_on_all(features, labels, history.w_start, 0.0)
        final = loss_on_all(features, labels, history.w, history.b)
        diverges = history.diverged_at is not None or final is None or final > start
        return history, final, diverges

    finals: list[float | None] = []
    verdicts: dict = {}
    paths: dict = {}
    for lr, label in zip(lrs, curve_labels):
        if rec.stop():
            finals.append(None)
            continue
        history, final, diverges = run(lr, label)
        rec.diverged[label] = history.diverged_at
        paths[label] = _path(history)
        finals.append(None if history.diverged_at is not None else final)  # no final loss to compare
        if not history.cancelled:
            verdicts[lr] = diverges

    diverging = [lr for lr, d in verdicts.items() if d]
    hi = min(diverging, default=None)
    lo = max((lr for lr, d in verdicts.items() if not d and (hi is None or lr < hi)), default=None)
    if lo is not None and hi is not None:
        for _ in range(12):
            if hi / lo < 1.02 or rec.stop():
                break
            mid = math.sqrt(lo * hi)
            history, _, diverges = run(mid)
            if history.cancelled:
                break
            if diverges:
                hi = mid
            else:
                lo = mid
    threshold = None if lo is None or hi is None else float(f"{(lo + hi) / 2:.3g}")

    X1 = torch.cat([features.double(), torch.ones(len(features), 1, dtype=torch.float64)], dim=1)
    largest_eigenvalue = torch.linalg.eigvalsh(X1.T @ X1 / len(X1)).max().item()
    known = [(f, lr) for f, lr in zip(finals, lrs) if f is not None]
    facts = {
        "divergence_threshold": threshold,
        "largest_converging_lr": lo,
        "smallest_diverging_lr": hi,
        "full_batch_limit": 2 / largest_eigenvalue,
        "best_lr": min(known)[1] if known else None,
        "final_losses": finals,
        "closed_form_loss": closed_form(features, labels)[2],
    }
    return rec.result(xlabel="step", ylabel="minibatch loss", log_y=True, facts=facts, path=paths,
                      surface=_surface(features, labels))


def _compact(sizes):
    """The list itself when short; else runs such as "64 x 15, 40" (still exact)."""
    if len(sizes) <= 20:
        return sizes
    runs: list[list[int]] = []
    for size in sizes:
        if runs and runs[-1][0] == size:
            runs[-1][1] += 1
        else:
            runs.append([size, 1])
    return ", ".join(f"{size} x {count}" if count > 1 else str(size) for size, count in runs)


def remainder(*, num_examples=1000, batch_size=64, lr=0.03, num_epochs=3, seed=0, on_point=None,
              should_stop=None, impl=None):
    """Exercise 7: when batch_size does not divide the number of examples.

    data_iter does not fail: slicing past the end of a list or tensor never raises, so the last
    batch is just shorter (batch_sizes are the real lengths it yields; slice_past_end_len is the
    length of list(range(num_examples)) sliced past its end). What changes is the step: sgd
    divides the summed gradient by batch_size, not by the batch's real length, so the last step
    of every epoch is last_step_scale = last_batch_size / batch_size as large. The curves train
    twice on the same batches, with the book's sgd and with one that divides by len(batch).
    """
    check_impl(impl)
    rec = Recorder(on_point, should_stop, ["divide by batch_size", "divide by len(batch)"])
    features, labels = make_data(seed, num_examples, impl=impl)
    batches = core_or_replacement(impl, data_iter)
    update = core_or_replacement(impl, sgd)
    sizes = [len(X) for X, _ in call_with_accepted(batches, batch_size, features, labels,
                                                   generator=torch.Generator().manual_seed(seed))]
    num_batches = math.ceil(num_examples / batch_size)
    start = (num_batches - 1) * batch_size
    slice_past_end = list(range(num_examples))[start: start + batch_size]

    length_of_batch = [batch_size]

    def data_iter_noting_length(batch_size, features, labels, generator=None):
        for X, y in call_with_accepted(batches, batch_size, features, labels, generator=generator):
            length_of_batch[0] = len(X)
            yield X, y

    def sgd_by_batch_length(params, lr, batch_size):
        update(params, lr, length_of_batch[0])

    runs = {}
    for label, replaced in (("divide by batch_size", {}),
                            ("divide by len(batch)", {"tutor.scratch.data.data_iter": data_iter_noting_length,
                                                      "tutor.scratch.model.sgd": sgd_by_batch_length})):
        runs[label] = train(features, labels, lr=lr, batch_size=batch_size, num_epochs=num_epochs,
                            seed=seed, on_step=rec.on_step(label), should_stop=rec.stop,
                            impl={**(impl or {}), **replaced})
        rec.diverged[label] = runs[label].diverged_at
    by_size, by_length = runs["divide by batch_size"], runs["divide by len(batch)"]
    facts = {
        "num_batches": num_batches,
        "batch_sizes": _compact(sizes),
        "last_batch_size": sizes[-1],
        "last_step_scale": sizes[-1] / batch_size,
        "slice_past_end_len": len(slice_past_end),
        "final_loss_batch_size": loss_on_all(features, labels, by_size.w, by_size.b),
        "final_loss_len_batch": loss_on_all(features, labels, by_length.w, by_length.b),
        "max_param_difference": max(abs(a - b) for a, b in zip(by_size.w + [by_size.b],
                                                              by_length.w + [by_length.b])),
    }
    return rec.result(xlabel="step", ylabel="minibatch loss", log_y=True, facts=facts)


# ---------------------------------------------------------------------------------------------
# Three exercises of the current d2l edition, beyond the seven: a huge initial variance, losses
# that an outlier cannot drag away, and why the data is reshuffled every epoch.


def absolute_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Absolute loss, one value per example: its gradient is ±1, however far the label is."""
    return (y_hat - y.reshape(y_hat.shape)).abs()


def huber_loss(y_hat: torch.Tensor, y: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """Huber's loss: squared (halved) within delta of the label, absolute beyond it.

    Its gradient is the error itself near the label, so steps shrink as the fit improves, and
    never more than delta far from it, so one wild label cannot throw the parameters away.
    """
    error = (y_hat - y.reshape(y_hat.shape)).abs()
    return torch.where(error <= delta, error ** 2 / 2, delta * (error - delta / 2))


def _fit(features, labels, w, b, *, loss, lr, batch_size, num_epochs, order, seed, on_step, stop,
         impl):
    """Minibatch SGD from (w, b) with any per-example loss; returns (w, b, diverged_at).

    order: "reshuffled" (data_iter, a new order every epoch), "once" (one random order, kept for
    every epoch) or "sorted" (by label, smallest first), drawn from a generator seeded with
    `seed`. on_step(step, w, b) follows each update.
    Unlike train(), a step's loss is not compared with the first step's: one outlier's loss is
    huge by design. Only a loss that is not finite stops the run.
    """
    net, update = core_or_replacement(impl, linreg), core_or_replacement(impl, sgd)
    batches = core_or_replacement(impl, data_iter)
    w, b = w.clone().requires_grad_(True), b.clone().requires_grad_(True)
    generator = torch.Generator().manual_seed(seed)
    fixed = {"once": torch.randperm(len(features), generator=generator),
             "sorted": torch.argsort(labels.reshape(-1), stable=True)}.get(order)

    def epoch():
        if fixed is None:
            return call_with_accepted(batches, batch_size, features, labels, generator=generator)
        return ((features[fixed[i:i + batch_size]], labels[fixed[i:i + batch_size]])
                for i in range(0, len(features), batch_size))

    step = 0
    with seeded_global_random(seed):
        for _ in range(num_epochs):
            for X, y in epoch():
                if stop():
                    return w, b, None
                step += 1
                l_sum = loss(net(X, w, b), y).sum()
                if not math.isfinite(l_sum.item()):
                    return w, b, step
                l_sum.backward()
                update([w, b], lr, batch_size)
                on_step(step, w, b)
    return w, b, None


def _loss_of(features: torch.Tensor, labels: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> float | None:
    """Mean squared_loss of linreg on all the data at tensors (w, b); None if not finite."""
    with torch.no_grad():
        return finite_or_none(squared_loss(linreg(features, w, b), labels).mean())


def _first_step_near(curve: dict[str, list], floor: float, factor: float = 1.1) -> int | None:
    """The first step whose loss is within `factor` of the floor, or None."""
    return next((x for x, y in zip(curve["x"], curve["y"]) if y <= factor * floor), None)


def init_variance(*, variance: float = 1000.0, lr: float = 0.03, batch_size: int = 10, num_epochs: int = 3,
                  seed: int = 0, on_point=None, should_stop=None, impl=None) -> dict:
    """Exercise 1, second half: initial weights drawn with variance 1000 instead of 0.01².

    Both runs start from the same normal draws (the large one scaled up) and see the same
    batches; the curves are the loss on all the data after each step. Linear regression's loss
    is a bowl, so the large start still converges, but it starts about
    variance·|w|²-times higher and needs more steps (steps_to_floor: the first step within 10 %
    of closed_form_loss).
    """
    check_impl(impl)
    large = f"variance {variance:g}"
    rec = Recorder(on_point, should_stop, ["variance 0.0001", large])
    features, labels = make_data(seed, impl=impl)
    draws = torch.normal(0, 1, (features.shape[1], 1), generator=torch.Generator().manual_seed(seed))
    floor = closed_form(features, labels)[2]
    facts = {"closed_form_loss": floor}
    for label, name, std in (("variance 0.0001", "book", 0.01), (large, "large", math.sqrt(variance))):
        w0, b0 = std * draws, torch.zeros(1)
        w, b, diverged = _fit(features, labels, w0, b0, loss=core_or_replacement(impl, squared_loss),
                              lr=lr, batch_size=batch_size, num_epochs=num_epochs, order="reshuffled",
                              seed=seed, stop=rec.stop, impl=impl,
                              on_step=lambda step, w, b, label=label:
                                  rec.point(label, step, _loss_of(features, labels, w, b)))
        rec.diverged[label] = diverged
        facts.update({f"start_loss_{name}": _loss_of(features, labels, w0, b0),
                      f"final_loss_{name}": _loss_of(features, labels, w, b),
                      f"steps_to_floor_{name}": _first_step_near(rec.curves[label], floor)})
    return rec.result(xlabel="step", ylabel="loss on all data", log_y=True, facts=facts)


OUTLIER_INDEX, OUTLIER_LABEL = 5, 10000.0


def robust_loss(*, outlier: bool = True, delta: float = 1.0, lr: float = 0.03, batch_size: int = 10,
                num_epochs: int = 10, seed: int = 0, on_point=None, should_stop=None, impl=None) -> dict:
    """The squared, absolute and Huber losses, on the chapter's data with one label set to 10000.

    With outlier, labels[5] is 10000 instead of about 4 (the book's "y5 = 10000"). Each loss
    trains from zero on the same batches; the curves are the squared loss of each run's
    parameters on the clean data, so they compare. The outlier's squared-loss gradient is
    thousands of times the others' and drags w and b away every epoch; the absolute loss gives
    it a gradient of ±1 like any example, but its steps never shrink, so it hovers above the
    floor; Huber's loss gives it at most delta and shrinks its steps near the fit, so it reaches
    the floor. Facts per loss: final_loss (clean data), w_hat, b_hat.
    """
    check_impl(impl)
    rec = Recorder(on_point, should_stop, ["squared", "absolute", "huber"])
    features, labels = make_data(seed, impl=impl)
    trained_on = labels.clone()
    if outlier:
        trained_on[OUTLIER_INDEX] = OUTLIER_LABEL
    losses = {"squared": core_or_replacement(impl, squared_loss), "absolute": absolute_loss,
              "huber": lambda y_hat, y: huber_loss(y_hat, y, delta)}
    facts = {"closed_form_loss": closed_form(features, labels)[2],
             "label_5": trained_on[OUTLIER_INDEX].item()}
    start = torch.zeros(features.shape[1], 1)
    for name, loss in losses.items():
        w, b, diverged = _fit(features, trained_on, start, torch.zeros(1), loss=loss, lr=lr,
                              batch_size=batch_size, num_epochs=num_epochs, order="reshuffled",
                              seed=seed, stop=rec.stop, impl=impl,
                              on_step=lambda step, w, b, name=name:
                                  rec.point(name, step, _loss_of(features, labels, w, b)))
        rec.diverged[name] = diverged
        facts.update({f"{name}_final_loss": _loss_of(features, labels, w, b),
                      f"{name}_w_hat": w.detach().reshape(-1).tolist(),
                      f"{name}_b_hat": b.item()})
    return rec.result(xlabel="step", ylabel="squared loss on the clean data", log_y=True, facts=facts)


def shuffling(*, lr: float = 0.1, batch_size: int = 10, num_epochs: int = 3, seed: int = 0, on_point=None,
              should_stop=None, impl=None) -> dict:
    """Why data_iter shuffles every epoch: the same training on three orders of the same data.

    "reshuffled" is the book's data_iter (a new random order every epoch), "once" one random
    order kept for every epoch, "sorted" the examples by label, smallest first: an order a data
    file may well come in. Sorted batches hold ten examples with nearly the same label, so each
    step fits the current end of the range and the run finishes each epoch fitted to the largest
    labels. Curves: the loss on all the data after each step. Facts: final_loss_<order>,
    b_hat_sorted.
    """
    check_impl(impl)
    orders = {"reshuffled": "reshuffled each epoch", "once": "shuffled once", "sorted": "sorted by label"}
    rec = Recorder(on_point, should_stop, list(orders.values()))
    features, labels = make_data(seed, impl=impl)
    w0 = torch.normal(0, 0.01, (features.shape[1], 1), generator=torch.Generator().manual_seed(seed))
    facts = {"closed_form_loss": closed_form(features, labels)[2]}
    for order, label in orders.items():
        w, b, diverged = _fit(features, labels, w0, torch.zeros(1), loss=core_or_replacement(impl, squared_loss),
                              lr=lr, batch_size=batch_size, num_epochs=num_epochs, order=order,
                              seed=seed, stop=rec.stop, impl=impl,
                              on_step=lambda step, w, b, label=label:
                                  rec.point(label, step, _loss_of(features, labels, w, b)))
        rec.diverged[label] = diverged
        facts[f"final_loss_{order}"] = _loss_of(features, labels, w, b)
        if order == "sorted":
            facts["b_hat_sorted"] = b.item()
    return rec.result(xlabel="step", ylabel="loss on all data", log_y=True, facts=facts)


EXPERIMENTS = {
    "train": train_experiment,
    "zero_init": zero_init,
    "ohm": ohm,
    "planck": planck,
    "second_derivative": second_derivative,
    "reshape": reshape,
    "learning_rates": learning_rates,
    "remainder": remainder,
    "init_variance": init_variance,
    "robust_loss": robust_loss,
    "shuffling": shuffling,
}
