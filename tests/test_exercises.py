"""The seven exercise experiments (and "train"): each claim a lesson makes, shown on the core."""

import inspect
import json
import math
import time

import pytest
import torch

from tutor.scratch.exercises import (
    EXPERIMENTS,
    OUTLIER_INDEX,
    absolute_loss,
    huber_loss,
    make_data,
    squared_loss_without_reshape,
)
from tutor.scratch.model import linreg, squared_loss
from tutor.scratch.train import closed_form, train

torch.set_num_threads(1)

CALL_KEYWORDS = {"seed", "on_point", "should_stop", "impl"}

# Small runs, so that a test may run an experiment several times.
QUICK = {
    "train": {"num_epochs": 1},
    "zero_init": {"num_epochs": 1},
    "ohm": {"num_epochs": 1},
    "planck": {"steps": 50},
    "second_derivative": {},
    "reshape": {"num_epochs": 1},
    "learning_rates": {"lrs": [0.03, 3.0], "num_epochs": 1},
    "remainder": {"num_epochs": 1},
    "init_variance": {"num_epochs": 1},
    "robust_loss": {"num_epochs": 1},
    "shuffling": {"num_epochs": 1},
}


def run_streaming(name, **params):
    streamed = []
    result = EXPERIMENTS[name](on_point=lambda label, x, y: streamed.append((label, x, y)), **params)
    return result, streamed


@pytest.fixture(scope="module")
def results():
    """Every experiment once with its defaults, with the points it streamed."""
    return {name: run_streaming(name) for name in EXPERIMENTS}


def test_every_experiment_of_the_spec_is_there():
    assert set(EXPERIMENTS) == {"train", "zero_init", "ohm", "planck", "second_derivative", "reshape",
                                "learning_rates", "remainder", "init_variance", "robust_loss", "shuffling"}
    for name, fn in EXPERIMENTS.items():
        parameters = inspect.signature(fn).parameters
        assert CALL_KEYWORDS <= set(parameters), name
        assert all(p.kind is p.KEYWORD_ONLY for p in parameters.values()), name
        assert fn.__doc__ and len(fn.__doc__.split()) > 20, f"{name} says what it shows"


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_returned_curves_are_exactly_the_streamed_points(results, name):
    result, streamed = results[name]
    assert streamed, "something was plotted"
    rebuilt = {label: {"x": [], "y": []} for label in result["curves"]}
    for label, x, y in streamed:
        rebuilt[label]["x"].append(x)
        rebuilt[label]["y"].append(y)
    assert rebuilt == result["curves"]


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_results_are_json_safe_and_complete(results, name):
    result, _ = results[name]
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    assert {"curves", "xlabel", "ylabel", "log_y", "diverged", "facts", "cancelled"} <= set(result)
    assert set(result["diverged"]) == set(result["curves"])
    assert result["cancelled"] is False
    assert all(k == k.lower() or k.split("_")[0] in {"R", "T"} for k in result["facts"])


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_same_seed_same_result(name):
    first, second = EXPERIMENTS[name](seed=3, **QUICK[name]), EXPERIMENTS[name](seed=3, **QUICK[name])
    assert first == second


@pytest.mark.parametrize("name", sorted(set(EXPERIMENTS) - {"second_derivative"}))  # has nothing random
def test_another_seed_another_result(name):
    assert EXPERIMENTS[name](seed=3, **QUICK[name])["curves"] != EXPERIMENTS[name](seed=4, **QUICK[name])["curves"]


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_should_stop_returns_promptly_with_what_it_has(name):
    asked = []

    def should_stop():
        asked.append(1)
        return len(asked) > 3

    start = time.perf_counter()
    result, streamed = run_streaming(name, should_stop=should_stop)
    assert time.perf_counter() - start < 1.0
    assert result["cancelled"] is True
    assert 0 < len(streamed) <= 9  # at most 3 steps (3 points each for second_derivative)
    assert json.dumps(result, allow_nan=False)


def test_unknown_impl_names_are_refused():
    for fn in EXPERIMENTS.values():
        with pytest.raises(ValueError):
            fn(impl={"tutor.scratch.model.linregg": linreg})


def test_a_learners_functions_are_used_by_an_experiment():
    calls = []

    def my_linreg(X, w, b):
        calls.append(len(X))
        return X @ w + b

    result = EXPERIMENTS["train"](impl={"tutor.scratch.model.linreg": my_linreg})
    assert calls.count(10) == 300
    assert result["facts"]["w_hat"] == pytest.approx([2, -3.4], abs=0.05)


def test_a_learners_synthetic_data_is_used_and_seeded():
    def my_synthetic_data(w, b, num_examples):
        X = torch.rand(num_examples, len(w))  # uniform, not normal: easy to tell apart
        y = torch.matmul(X, w) + b + torch.normal(0, 0.01, (num_examples,))
        return X, y.reshape(-1, 1)

    impl = {"tutor.scratch.data.synthetic_data": my_synthetic_data}
    (first, _), (second, _), (other, _) = make_data(5, impl=impl), make_data(5, impl=impl), make_data(6, impl=impl)
    assert torch.equal(first, second) and not torch.equal(first, other)
    assert first.min() >= 0 and first.max() < 1


# ---------------------------------------------------------------- the train experiment


def test_train_experiment_reports_the_book_result(results):
    facts = results["train"][0]["facts"]
    assert facts["w_hat"] == pytest.approx([2, -3.4], abs=0.01)
    assert facts["w_error"] == pytest.approx([facts["w_hat"][0] - 2, facts["w_hat"][1] + 3.4])
    assert abs(facts["final_loss"] - facts["closed_form_loss"]) <= 0.1 * facts["closed_form_loss"]
    assert facts["diverged_at"] is None


def test_train_experiment_plots_what_train_gives_for_the_same_seed():
    result = EXPERIMENTS["train"](seed=2, num_epochs=1)
    history = train(*make_data(2), seed=2, num_epochs=1)
    assert result["curves"]["loss"]["y"] == history.step_losses
    assert result["curves"]["loss"]["x"] == list(range(1, 101))


def test_train_experiment_path_starts_at_the_initial_w_and_has_a_surface():
    result = EXPERIMENTS["train"](record_path=True, num_epochs=1)
    path, surface = result["path"]["loss"], result["surface"]
    assert len(path) == 101 and path[-1] == result["facts"]["w_hat"]
    assert abs(path[0][0]) < 0.05 and abs(path[0][1]) < 0.05  # w ~ N(0, 0.01²)
    assert surface["center"] == pytest.approx([2, -3.4], abs=0.01)
    # the rings' quadratic equals the loss itself (with b at its optimum) away from the centre
    features, labels = make_data(0)
    w_star, b_star, _ = closed_form(features, labels)
    d = torch.tensor([0.7, -1.3], dtype=torch.float64)
    w = torch.tensor(w_star, dtype=torch.float64) + d
    loss = squared_loss(linreg(features.double(), w.reshape(-1, 1), b_star), labels.double()).mean().item()
    quadratic = surface["min_loss"] + 0.5 * float(d @ torch.tensor(surface["hessian"], dtype=torch.float64) @ d)
    assert quadratic == pytest.approx(loss, rel=1e-9)


# ---------------------------------------------------------------- 1. zero init


def test_zero_init_still_converges(results):
    result = results["zero_init"][0]
    facts = result["facts"]
    assert abs(facts["zeros_final_loss"] - facts["closed_form_loss"]) <= 0.1 * facts["closed_form_loss"]
    assert result["curves"]["zeros"]["y"][0] > 10 * result["curves"]["zeros"]["y"][-1]


def test_constant_init_keeps_mlp_hidden_units_identical_and_random_init_breaks_it(results):
    facts = results["zero_init"][0]["facts"]
    assert facts["mlp_constant_max_diff"] == 0.0
    assert facts["mlp_random_max_diff"] > 0.1


def test_hidden_units_stay_identical_for_an_odd_width_too():
    # with one (d, hidden) matrix, torch's kernels round some widths' columns differently
    facts = EXPERIMENTS["zero_init"](hidden=7, num_epochs=1)["facts"]
    assert facts["mlp_constant_max_diff"] == 0.0 and facts["mlp_random_max_diff"] > 0.1


# ---------------------------------------------------------------- 2. Ohm's law


def test_ohm_recovers_the_resistance_within_one_percent(results):
    facts = results["ohm"][0]["facts"]
    assert abs(facts["R_hat"] - 3.3) / 3.3 < 0.01
    assert facts["R_error_pct"] == pytest.approx(100 * (facts["R_hat"] - 3.3) / 3.3)
    assert facts["b_hat"] == pytest.approx(2.2, abs=0.02)


def test_ohm_with_another_resistor():
    facts = EXPERIMENTS["ohm"](R=47.0, b=-1.0)["facts"]
    assert abs(facts["R_hat"] - 47.0) / 47.0 < 0.01


# ---------------------------------------------------------------- 3. Planck's law


def test_planck_recovers_the_temperature_within_one_percent(results):
    result = results["planck"][0]
    facts = result["facts"]
    assert abs(facts["T_hat"] - 5000.0) / 5000.0 < 0.01
    assert abs(facts["T_start"] - 5000.0) / 5000.0 > 0.5, "the fit starts far from the answer"
    loss = result["curves"]["loss"]["y"]
    assert loss[-1] < loss[0] / 100


@pytest.mark.parametrize("T", [1200.0, 9000.0])
def test_planck_at_other_temperatures(T):
    facts = EXPERIMENTS["planck"](T=T, seed=1)["facts"]
    assert abs(facts["T_hat"] - T) / T < 0.01


# ---------------------------------------------------------------- 4. second derivatives


@pytest.mark.parametrize("x0", [1.0, -0.5, 2.5])
def test_second_derivative_by_autograd_equals_the_analytic_one(x0):
    result = EXPERIMENTS["second_derivative"](x0=x0)
    facts = result["facts"]
    assert facts["d2_autograd"] == pytest.approx(6 * x0, abs=1e-12)
    assert facts["d2_analytic"] == 6 * x0
    curves = result["curves"]
    for x, f, d1, d2 in zip(curves["f"]["x"], curves["f"]["y"], curves["f'"]["y"], curves["f''"]["y"]):
        assert (f, d1, d2) == pytest.approx((x ** 3, 3 * x ** 2, 6 * x), abs=1e-12)


def test_retain_graph_alone_is_reported_as_torch_really_behaves(results):
    facts = results["second_derivative"][0]["facts"]
    x = torch.tensor(1.0, requires_grad=True)
    (dy,) = torch.autograd.grad(x ** 3, x, retain_graph=True)
    with pytest.raises(Exception) as raised:
        torch.autograd.grad(dy, x)
    assert facts["retain_graph_only"] == f"{type(raised.value).__name__}: {raised.value}"
    assert facts["retain_graph_only"].startswith("RuntimeError")
    assert facts["retain_graph_grad_has_grad_fn"] is False and facts["create_graph_grad_has_grad_fn"] is True


# ---------------------------------------------------------------- 5. reshape


def test_reshape_shows_the_broadcast_and_the_wrong_loss(results):
    result = results["reshape"][0]
    facts = result["facts"]
    assert (facts["y_shape"], facts["y_hat_shape"], facts["broadcast_shape"]) == ("(10,)", "(10, 1)", "(10, 10)")
    assert facts["loss_wrong"] != facts["loss_right"]
    assert facts["loss_wrong"] > 1000 * facts["loss_right"]
    assert facts["final_loss_without_reshape"] > 1000 * facts["final_loss_with_reshape"]
    assert result["curves"]["without reshape"]["y"][-1] > 100 * result["curves"]["with reshape"]["y"][-1]


def test_reshape_broadcast_shape_follows_n():
    facts = EXPERIMENTS["reshape"](n=7, num_epochs=1)["facts"]
    assert facts["broadcast_shape"] == "(7, 7)" and facts["y_shape"] == "(7,)"


def test_the_wrong_loss_really_is_n_by_n():
    y_hat, y = torch.zeros(4, 1), torch.arange(4.0)
    assert squared_loss_without_reshape(y_hat, y).shape == (4, 4)
    assert squared_loss(y_hat, y).shape == (4, 1)


# ---------------------------------------------------------------- 6. learning rates


def test_learning_rate_threshold_is_bracketed_by_a_converging_and_a_diverging_run(results):
    result = results["learning_rates"][0]
    facts = result["facts"]
    lo, hi, threshold = facts["largest_converging_lr"], facts["smallest_diverging_lr"], facts["divergence_threshold"]
    assert 0.3 < lo < threshold < hi < 3.0
    assert hi / lo < 1.05
    features, labels = make_data(0)

    def loss_after(lr):
        history = train(features, labels, lr=lr, seed=0)
        start = squared_loss(linreg(features, torch.tensor(history.w_start).reshape(-1, 1), 0.0), labels).mean().item()
        if history.diverged_at is not None:
            return start, math.inf
        w = torch.tensor(history.w).reshape(-1, 1)
        return start, squared_loss(linreg(features, w, history.b), labels).mean().item()

    start, end = loss_after(lo)
    assert end < start
    start, end = loss_after(hi)
    assert end > start


def test_learning_rate_sweep_curves_and_divergence(results):
    result = results["learning_rates"][0]
    assert list(result["curves"]) == ["lr=0.001", "lr=0.01", "lr=0.03", "lr=0.1", "lr=0.3", "lr=1", "lr=3"]
    diverged = result["diverged"]
    assert diverged["lr=3"] is not None and diverged["lr=0.03"] is None
    # a diverged run's curve ends just before the step whose loss was not finite
    assert result["curves"]["lr=3"]["x"][-1] == diverged["lr=3"] - 1
    assert result["facts"]["best_lr"] in (0.03, 0.1, 0.3)
    assert set(result["path"]) == set(result["curves"])
    assert len(result["path"]["lr=0.03"]) == 301
    assert result["surface"]["center"] == pytest.approx([2, -3.4], abs=0.01)


# ---------------------------------------------------------------- 7. remainder batches


def test_remainder_batch_sizes_and_the_shrunken_last_step(results):
    result = results["remainder"][0]
    facts = result["facts"]
    assert facts["batch_sizes"] == [64] * 15 + [40]
    assert (facts["num_batches"], facts["last_batch_size"], facts["slice_past_end_len"]) == (16, 40, 40)
    assert facts["last_step_scale"] == 40 / 64
    assert facts["max_param_difference"] > 0
    first, second = result["curves"]["divide by batch_size"]["y"], result["curves"]["divide by len(batch)"]["y"]
    # the same batches: identical until the first short step, different after it
    assert first[:16] == second[:16] and first[16:] != second[16:]


def test_remainder_without_a_remainder_changes_nothing():
    result = EXPERIMENTS["remainder"](num_examples=960, batch_size=64)
    facts = result["facts"]
    assert facts["last_step_scale"] == 1.0 and facts["max_param_difference"] == 0.0
    assert result["curves"]["divide by batch_size"] == result["curves"]["divide by len(batch)"]


def test_remainder_long_batch_lists_are_compact_but_exact():
    facts = EXPERIMENTS["remainder"](num_examples=103, batch_size=4, num_epochs=1)["facts"]
    assert facts["batch_sizes"] == "4 x 25, 3"
    assert facts["last_step_scale"] == 0.75


# ---------------------------------------------------------------- d2l's further exercises


def test_a_variance_1000_start_still_converges_only_later(results):
    facts = results["init_variance"][0]["facts"]
    floor = facts["closed_form_loss"]
    assert facts["start_loss_large"] > 50 * facts["start_loss_book"]
    assert facts["final_loss_book"] < 1.01 * floor < facts["final_loss_large"] < 1.5 * floor
    assert facts["steps_to_floor_large"] is None and facts["steps_to_floor_book"] <= 300
    longer = EXPERIMENTS["init_variance"](num_epochs=10)["facts"]
    assert facts["steps_to_floor_book"] < longer["steps_to_floor_large"] < 2 * facts["steps_to_floor_book"]
    assert longer["final_loss_large"] < 1.01 * floor


def test_the_large_start_is_the_books_draw_scaled_up(results):
    result = results["init_variance"][0]
    book, large = result["curves"]["variance 0.0001"], result["curves"]["variance 1000"]
    assert book["x"] == large["x"] == list(range(1, 301))
    features, labels = make_data(0)
    draw = torch.normal(0, 1, (2, 1), generator=torch.Generator().manual_seed(0))
    w = (1000 ** 0.5 * draw)
    start = squared_loss(linreg(features, w, torch.zeros(1)), labels).mean().item()
    assert start == pytest.approx(result["facts"]["start_loss_large"], rel=1e-6)


def test_one_outlier_breaks_the_squared_loss_but_not_huber(results):
    facts = results["robust_loss"][0]["facts"]
    floor = facts["closed_form_loss"]
    assert facts["label_5"] == 10000.0
    assert facts["squared_final_loss"] > 1e4 * floor
    assert facts["huber_final_loss"] < 1.1 * floor
    # the absolute loss is not dragged away either, but its ±1 steps never shrink: it hovers above
    assert 1.5 * floor < facts["absolute_final_loss"] < 10 * floor
    for name in ("absolute", "huber"):
        assert facts[f"{name}_w_hat"] == pytest.approx([2, -3.4], abs=0.01)
    clean = EXPERIMENTS["robust_loss"](outlier=False)["facts"]
    assert clean["label_5"] < 100 and clean["squared_final_loss"] < 1.01 * floor


def test_the_outliers_gradient_is_bounded_by_the_absolute_and_huber_losses():
    features, labels = make_data(0)
    y = labels.clone()
    y[OUTLIER_INDEX] = 10000.0
    y_hat = linreg(features, torch.tensor([[2.0], [-3.4]]), 4.2).requires_grad_(True)
    grads = {}
    for name, loss in (("squared", squared_loss), ("absolute", absolute_loss), ("huber", huber_loss)):
        (grad,) = torch.autograd.grad(loss(y_hat, y).sum(), y_hat)
        grads[name] = grad.reshape(-1)
    assert grads["squared"][OUTLIER_INDEX].abs() > 9000
    assert grads["absolute"][OUTLIER_INDEX].abs() == 1 and grads["huber"][OUTLIER_INDEX].abs() == 1
    # near the label Huber's loss is the squared loss, so its gradient is the plain error
    others = torch.arange(len(y)) != OUTLIER_INDEX
    assert torch.allclose(grads["huber"][others], grads["squared"][others])
    error = torch.tensor([0.5, 3.0])
    assert huber_loss(error.reshape(-1, 1), torch.zeros(2)).reshape(-1).tolist() == [0.125, 2.5]


def test_data_sorted_by_label_breaks_training_and_shuffling_repairs_it(results):
    facts = results["shuffling"][0]["facts"]
    floor = facts["closed_form_loss"]
    assert facts["final_loss_reshuffled"] < 1.01 * floor and facts["final_loss_once"] < 1.01 * floor
    assert facts["final_loss_sorted"] > 1000 * floor
    # each epoch ends on the largest labels: the bias is pulled up
    assert facts["b_hat_sorted"] > 4.2 + 0.5


# ---------------------------------------------------------------- the torch-free catalogue


def test_the_catalogue_agrees_with_the_experiment_signatures():
    from tutor.content.catalog import EXPERIMENT_PARAMS

    assert set(EXPERIMENT_PARAMS) == set(EXPERIMENTS)
    for name, fn in EXPERIMENTS.items():
        defaults = {p.name: p.default for p in inspect.signature(fn).parameters.values()
                    if p.name not in CALL_KEYWORDS}
        specs = EXPERIMENT_PARAMS[name]
        assert list(specs) == list(defaults), name
        for param, default in defaults.items():
            spec_default = specs[param].default
            if isinstance(default, tuple):
                default = list(default)
            assert spec_default == default and type(spec_default) is type(default), (name, param)
