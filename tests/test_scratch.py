"""The scratch core: the book's functions, and train() with its History, callbacks and reference."""

import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tutor.scratch.data import data_iter, synthetic_data
from tutor.scratch.model import linreg, sgd, squared_loss
from tutor.scratch.train import History, closed_form, train

torch.set_num_threads(1)

TRUE_W = torch.tensor([2, -3.4])
TRUE_B = 4.2


def book_data(seed=0, num_examples=1000):
    return synthetic_data(TRUE_W, TRUE_B, num_examples, generator=torch.Generator().manual_seed(seed))


@pytest.fixture(scope="module")
def data():
    return book_data()


@pytest.fixture(scope="module")
def book_run(data):
    """The book's training: lr 0.03, batch 10, 3 epochs on 1000 examples with noise 0.01."""
    features, labels = data
    return train(features, labels, lr=0.03, batch_size=10, num_epochs=3, seed=0)


# ---------------------------------------------------------------- data


def test_synthetic_data_shapes_and_noise_level():
    X, y = book_data(num_examples=5000)
    assert X.shape == (5000, 2) and y.shape == (5000, 1)
    residual = y.reshape(-1) - (X @ TRUE_W + TRUE_B)
    assert abs(residual.std().item() - 0.01) < 0.001


def test_synthetic_data_is_reproducible_with_a_generator():
    first, second, other = book_data(seed=3), book_data(seed=3), book_data(seed=4)
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])
    assert not torch.equal(first[0], other[0])


def test_data_iter_covers_every_example_once_with_a_short_last_batch():
    features = torch.arange(23.0).reshape(-1, 1)
    labels = features * 10
    batches = list(data_iter(5, features, labels, torch.Generator().manual_seed(0)))
    assert [len(X) for X, _ in batches] == [5, 5, 5, 5, 3]
    seen = torch.cat([X for X, _ in batches]).reshape(-1)
    assert sorted(seen.tolist()) == list(range(23))
    assert seen.tolist() != list(range(23)), "the examples come in a random order"
    for X, y in batches:
        assert torch.equal(y, X * 10), "features and labels stay paired"


def test_data_iter_order_follows_the_generator():
    features, labels = torch.arange(50.0).reshape(-1, 1), torch.zeros(50, 1)

    def order(seed):
        return [X.reshape(-1).tolist() for X, _ in data_iter(10, features, labels, torch.Generator().manual_seed(seed))]

    assert order(1) == order(1)
    assert order(1) != order(2)


# ---------------------------------------------------------------- model


def test_autograd_gradients_equal_the_hand_derived_ones():
    generator = torch.Generator().manual_seed(0)
    X = torch.normal(0, 1, (7, 3), generator=generator, dtype=torch.float64)
    y = torch.normal(0, 1, (7,), generator=generator, dtype=torch.float64)
    w = torch.normal(0, 1, (3, 1), generator=generator, dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    squared_loss(linreg(X, w, b), y).sum().backward()
    # L = sum_i (x_i w + b - y_i)^2 / 2  =>  dL/dw = X^T r, dL/db = sum_i r_i with r = Xw + b - y
    residual = (X @ w + b).detach() - y.reshape(-1, 1)
    assert torch.allclose(w.grad, X.T @ residual, rtol=1e-12, atol=1e-12)
    assert torch.allclose(b.grad, residual.sum().reshape(1), rtol=1e-12, atol=1e-12)


def test_squared_loss_reshapes_y_like_y_hat():
    y_hat = torch.tensor([[1.0], [2.0], [4.0]])
    y_row = torch.tensor([1.0, 1.0, 1.0])
    loss = squared_loss(y_hat, y_row)
    assert loss.shape == (3, 1)
    assert loss.reshape(-1).tolist() == [0.0, 0.5, 4.5]


def test_sgd_steps_against_the_mean_gradient_in_place_and_clears_it():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    before = w
    (w * torch.tensor([3.0, -4.0])).sum().backward()
    sgd([w], lr=0.5, batch_size=2)
    assert w is before
    assert w.tolist() == [1.0 - 0.5 * 3.0 / 2, 2.0 + 0.5 * 4.0 / 2]
    assert w.grad.tolist() == [0.0, 0.0]


# ---------------------------------------------------------------- train and the reference


def test_book_training_recovers_w_and_b(book_run):
    assert book_run.w == pytest.approx([2, -3.4], abs=0.01)
    assert book_run.b == pytest.approx(4.2, abs=0.01)
    assert book_run.diverged_at is None and not book_run.cancelled


def test_book_training_reaches_the_closed_form_loss(data, book_run):
    features, labels = data
    _w, _b, loss = closed_form(features, labels)
    # the noise floor: noise std 0.01 gives a mean squared_loss of about 0.01**2 / 2
    assert 3e-5 < loss < 7e-5
    assert abs(book_run.epoch_losses[-1] - loss) <= 0.10 * loss
    assert len(book_run.epoch_losses) == 3
    assert len(book_run.step_losses) == 300


def test_closed_form_is_where_the_gradient_vanishes(data):
    features, labels = data
    w, b, loss = closed_form(features, labels)
    w_t = torch.tensor(w, dtype=torch.float64).reshape(-1, 1).requires_grad_()
    b_t = torch.tensor([b], dtype=torch.float64, requires_grad=True)
    mean_loss = squared_loss(linreg(features.double(), w_t, b_t), labels.double()).mean()
    mean_loss.backward()
    assert mean_loss.item() == pytest.approx(loss, rel=1e-9)
    assert w_t.grad.abs().max().item() < 1e-10 and abs(b_t.grad.item()) < 1e-10


def test_on_step_streams_every_step_loss_in_order(data):
    features, labels = data
    seen = []
    history = train(features, labels, num_epochs=1, on_step=lambda step, loss: seen.append((step, loss)))
    assert [step for step, _ in seen] == list(range(1, 101))
    assert [loss for _, loss in seen] == history.step_losses


def test_same_seed_same_history_bit_for_bit_and_another_seed_differs(data):
    features, labels = data
    first = train(features, labels, seed=7, record_path=True)
    second = train(features, labels, seed=7, record_path=True)
    other = train(features, labels, seed=8, record_path=True)
    assert first == second  # every field but the wall time
    assert first.step_losses == second.step_losses and first.w == second.w and first.path == second.path
    assert other.step_losses != first.step_losses


def test_zero_and_random_init_see_the_same_batches(data):
    features, labels = data
    order = []

    def noting_data_iter(batch_size, features, labels, generator=None):
        for X, y in data_iter(batch_size, features, labels, generator):
            order.append(X[0].tolist())
            yield X, y

    impl = {"tutor.scratch.data.data_iter": noting_data_iter}
    train(features, labels, num_epochs=1, init="zeros", impl=impl)
    zeros_order, order[:] = list(order), []
    train(features, labels, num_epochs=1, init="normal", impl=impl)
    assert order == zeros_order


def test_a_learning_rate_too_large_diverges_and_the_step_is_recorded(data):
    features, labels = data
    steps = []
    history = train(features, labels, lr=3.0, on_step=lambda step, loss: steps.append(step))
    assert history.diverged_at is not None
    assert 1 < history.diverged_at <= 300
    # the run stopped at the step whose loss was not finite; every recorded loss is finite
    assert len(history.step_losses) == history.diverged_at - 1 == len(steps)
    assert all(math.isfinite(x) for x in history.step_losses)
    assert json.dumps(history.to_dict(), allow_nan=False)


def test_should_stop_cancels_the_run_after_the_step_it_allowed(data):
    features, labels = data
    calls = []

    def should_stop():
        calls.append(1)
        return len(calls) > 5

    history = train(features, labels, should_stop=should_stop)
    assert history.cancelled
    assert len(history.step_losses) == 5
    assert history.epoch_losses == []


def test_impl_replacements_are_used(data):
    features, labels = data
    calls = {"loss": 0, "sgd": 0}

    def counting_loss(y_hat, y):
        calls["loss"] += 1
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

    def counting_sgd(params, lr, batch_size):
        calls["sgd"] += 1
        sgd(params, lr, batch_size)

    history = train(features, labels, num_epochs=2, impl={"tutor.scratch.model.squared_loss": counting_loss,
                                                          "tutor.scratch.model.sgd": counting_sgd})
    # one loss per step, plus one on all the data per epoch; one update per step
    assert calls == {"loss": 200 + 2, "sgd": 200}
    assert history.w == pytest.approx([2, -3.4], abs=0.01)


def test_a_replacement_that_does_nothing_changes_the_run(data):
    features, labels = data
    history = train(features, labels, num_epochs=1,
                    impl={"tutor.scratch.model.sgd": lambda params, lr, batch_size: None})
    assert history.epoch_losses[0] > 1.0  # without updates the model never learns


def test_a_learners_random_shuffle_data_iter_is_reproducible_and_leaves_random_alone(data):
    features, labels = data

    def book_data_iter(batch_size, features, labels):
        indices = list(range(len(features)))
        random.shuffle(indices)
        for i in range(0, len(features), batch_size):
            batch_indices = torch.tensor(indices[i: min(i + batch_size, len(features))])
            yield features[batch_indices], labels[batch_indices]

    impl = {"tutor.scratch.data.data_iter": book_data_iter}
    random.seed(123)
    state = random.getstate()
    first = train(features, labels, num_epochs=1, seed=5, impl=impl)
    assert random.getstate() == state
    second = train(features, labels, num_epochs=1, seed=5, impl=impl)
    other = train(features, labels, num_epochs=1, seed=6, impl=impl)
    assert first == second and other != first


def test_an_unknown_replacement_name_is_refused(data):
    features, labels = data
    with pytest.raises(ValueError, match="unknown core functions"):
        train(features, labels, impl={"tutor.scratch.model.squared_los": squared_loss})


def test_record_path_records_w_after_each_step(data):
    features, labels = data
    history = train(features, labels, num_epochs=1, record_path=True)
    assert len(history.path) == len(history.step_losses) == 100
    assert list(history.path[-1]) == history.w
    assert len(history.w_start) == 2 and history.w_start != history.w


def test_history_to_dict_is_json_safe(book_run):
    encoded = json.loads(json.dumps(book_run.to_dict(), allow_nan=False))
    assert encoded["step_losses"] == book_run.step_losses
    assert encoded["diverged_at"] is None
    assert History(w=[float("nan")], b=float("inf")).to_dict()["w"] == [None]


def test_importing_the_scratch_package_does_not_import_torch():
    code = "import sys, tutor.scratch; print('torch' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root).stdout
    assert out.strip() == "False"


def test_a_batch_size_below_one_is_refused(data):
    features, labels = data
    with pytest.raises(ValueError, match="batch_size"):
        train(features, labels, batch_size=0)
