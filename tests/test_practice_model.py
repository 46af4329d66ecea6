"""The checks of linreg, squared_loss and sgd: the core passes, correct variants pass however
they are written, and each usual mistake fails with its own diagnosis."""

import inspect

import pytest

import tutor.scratch.model as core
from tests.practice_helpers import assert_fails, verdict

LINREG = "tutor.scratch.model.linreg"
LOSS = "tutor.scratch.model.squared_loss"
SGD = "tutor.scratch.model.sgd"


# ---------------------------------------------------------------- linreg

LINREG_CORRECT = {
    "matmul operator": """
        def linreg(X, w, b):
            return X @ w + b
    """,
    "torch.mm": """
        def linreg(X, w, b):
            return torch.mm(X, w) + b
    """,
    "addmm": """
        def linreg(X, w, b):
            return torch.addmm(b, X, w)
    """,
    "broadcast and sum": """
        def linreg(X, w, b):
            return (X * w.T).sum(dim=1, keepdim=True) + b
    """,
    "einsum": """
        def linreg(X, w, b):
            y_hat = torch.einsum("nd,dk->nk", X, w)
            return y_hat + b
    """,
}


def test_core_linreg_passes():
    result = verdict(LINREG, inspect.getsource(core.linreg))
    assert result.passed, result


@pytest.mark.parametrize("name", LINREG_CORRECT)
def test_correct_linreg_variants_pass(name):
    result = verdict(LINREG, LINREG_CORRECT[name])
    assert result.passed, result


def test_linreg_without_bias():
    result = verdict(LINREG, """
        def linreg(X, w, b):
            return torch.matmul(X, w)
    """)
    assert_fails(result, "forgets the bias", "+ b")
    assert "X of shape (10, 2)" in result.case


def test_linreg_subtracting_bias():
    assert_fails(verdict(LINREG, """
        def linreg(X, w, b):
            return X @ w - b
    """), "subtracts the bias")


def test_linreg_flat_output():
    assert_fails(verdict(LINREG, """
        def linreg(X, w, b):
            return torch.mv(X, w.reshape(-1)) + b
    """), "returns shape (10,)", "(10, 1)")


def test_linreg_cut_off_from_autograd():
    assert_fails(verdict(LINREG, """
        def linreg(X, w, b):
            return (X @ w + b).detach()
    """), "cut off from autograd", "backward()")


def test_linreg_detaching_w_only():
    assert_fails(verdict(LINREG, """
        def linreg(X, w, b):
            return X @ w.detach() + b
    """), "gradient", "with respect to w")


def test_linreg_returning_none():
    assert_fails(verdict(LINREG, """
        def linreg(X, w, b):
            y_hat = X @ w + b
    """), "returned None", "return")


def test_linreg_elementwise_product_is_an_error_at_its_line():
    result = verdict(LINREG, """
        def linreg(X, w, b):
            y_hat = X * w
            return y_hat + b
    """)
    assert_fails(result, "RuntimeError", "line 3: y_hat = X * w")
    assert result.line == 3


# ---------------------------------------------------------------- squared_loss

LOSS_CORRECT = {
    "half times view": """
        def squared_loss(y_hat, y):
            return 0.5 * (y_hat - y.view(y_hat.shape)) ** 2
    """,
    "torch.square, reshape_as": """
        def squared_loss(y_hat, y):
            return torch.square(y_hat - y.reshape_as(y_hat)) / 2
    """,
    "product of the difference": """
        def squared_loss(y_hat, y):
            d = y_hat - y.view_as(y_hat)
            return d * d * 0.5
    """,
    "labels as a column (y_hat is one)": """
        def squared_loss(y_hat, y):
            return (y_hat - y.reshape(-1, 1)) ** 2 / 2
    """,
    "labels first, pow": """
        def squared_loss(y_hat, y):
            return (y.reshape(y_hat.shape) - y_hat).pow(2) / 2
    """,
}


def test_core_squared_loss_passes():
    result = verdict(LOSS, inspect.getsource(core.squared_loss))
    assert result.passed, result


@pytest.mark.parametrize("name", LOSS_CORRECT)
def test_correct_squared_loss_variants_pass(name):
    result = verdict(LOSS, LOSS_CORRECT[name])
    assert result.passed, result


def test_loss_without_reshape_broadcasts_to_n_by_n():
    result = verdict(LOSS, """
        def squared_loss(y_hat, y):
            return (y_hat - y) ** 2 / 2
    """)
    assert_fails(result, "y has shape (10,) and y_hat (10, 1): your loss has shape (10, 10) — reshape y like y_hat")
    assert "y of shape (10,)" in result.case


def test_loss_missing_half():
    assert_fails(verdict(LOSS, """
        def squared_loss(y_hat, y):
            return (y_hat - y.reshape(y_hat.shape)) ** 2
    """), "twice the book's", "/ 2 is missing")


def test_loss_reduced_to_its_mean():
    assert_fails(verdict(LOSS, """
        def squared_loss(y_hat, y):
            return ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).mean()
    """), "a single number (the mean over the batch)", "one loss per example")


def test_loss_with_the_batch_size_written_in():
    result = verdict(LOSS, """
        def squared_loss(y_hat, y):
            return (y_hat - y.reshape(10, 1)) ** 2 / 2
    """)
    assert_fails(result, "RuntimeError", "line 3:")
    assert "y_hat of shape (3, 1) and y of shape (3,)" in result.case


def test_loss_reshaping_y_hat_like_y():
    assert_fails(verdict(LOSS, """
        def squared_loss(y_hat, y):
            return (y_hat.reshape(y.shape) - y) ** 2 / 2
    """), "the shape of y", "not y_hat like y")


def test_loss_without_square():
    assert_fails(verdict(LOSS, """
        def squared_loss(y_hat, y):
            return (y_hat - y.reshape(y_hat.shape)).abs() / 2
    """), "does not square")


def test_loss_changing_y_in_place():
    assert_fails(verdict(LOSS, """
        def squared_loss(y_hat, y):
            d = y.reshape(y_hat.shape)
            d -= y_hat.detach()
            return (y_hat - y_hat.detach() - d) ** 2 / 2
    """), "changed its argument y in place")


def test_loss_cut_off_from_autograd():
    assert_fails(verdict(LOSS, """
        def squared_loss(y_hat, y):
            return (y_hat.detach() - y.reshape(y_hat.shape)) ** 2 / 2
    """), "cut off from autograd")


def test_loss_of_the_wrong_type():
    assert_fails(verdict(LOSS, """
        def squared_loss(y_hat, y):
            return float(((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).sum())
    """), "returned a float", "not a tensor")


# ---------------------------------------------------------------- sgd

SGD_CORRECT = {
    "sub_ and grad = None, decorator": """
        @torch.no_grad()
        def sgd(params, lr, batch_size):
            for param in params:
                param.sub_(lr * param.grad / batch_size)
                param.grad = None
    """,
    ".data without no_grad": """
        def sgd(params, lr, batch_size):
            for param in params:
                param.data -= lr * param.grad.data / batch_size
                param.grad.data.zero_()
    """,
    "copy_": """
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for p in params:
                    p.copy_(p - lr * p.grad / batch_size)
                    p.grad.zero_()
    """,
    "add_ with alpha, zeros_like": """
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for p in params:
                    p.add_(p.grad, alpha=-lr / batch_size)
                    p.grad = torch.zeros_like(p)
    """,
}


def test_core_sgd_passes():
    result = verdict(SGD, inspect.getsource(core.sgd))
    assert result.passed, result


@pytest.mark.parametrize("name", SGD_CORRECT)
def test_correct_sgd_variants_pass(name):
    result = verdict(SGD, SGD_CORRECT[name])
    assert result.passed, result


def test_sgd_ascent():
    assert_fails(verdict(SGD, """
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param += lr * param.grad / batch_size
                    param.grad.zero_()
    """), "ascent instead of descent", "uphill")


def test_sgd_missing_division_by_batch_size():
    result = verdict(SGD, """
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param -= lr * param.grad
                    param.grad.zero_()
    """)
    assert_fails(result, "batch_size (10) times too large", "the division by batch_size is missing")
    assert "step 1" in result.case


def test_sgd_missing_learning_rate():
    assert_fails(verdict(SGD, """
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param -= param.grad / batch_size
                    param.grad.zero_()
    """), "ignores the learning rate")


def test_sgd_rebinding_the_loop_variable():
    assert_fails(verdict(SGD, """
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param = param - lr * param.grad / batch_size
    """), "parameters rebound instead of updated in place", "the caller's w did not change")


def test_sgd_rebinding_then_zeroing_explains_the_missing_grad():
    result = verdict(SGD, """
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param = param - lr * param.grad / batch_size
                    param.grad.zero_()
    """)
    assert_fails(result, "param.grad is None here", "new tensor", "AttributeError")
    assert result.line == 6


def test_sgd_replacing_the_list_items():
    assert_fails(verdict(SGD, """
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for i in range(len(params)):
                    params[i] = params[i] - lr * params[i].grad / batch_size
    """), "new tensors into the list", "did not change")


def test_sgd_leaving_gradients_to_accumulate():
    result = verdict(SGD, """
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param -= lr * param.grad / batch_size
    """)
    assert_fails(result, "gradients left to accumulate", "the second step used the sum of both")
    assert "step 2 of two in a row" in result.case


def test_sgd_update_outside_no_grad_explains_torchs_error():
    result = verdict(SGD, """
        def sgd(params, lr, batch_size):
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()
    """)
    assert_fails(
        result,
        "outside torch.no_grad()",
        "a leaf Variable that requires grad is being used in an in-place operation",
        "inside a torch.no_grad() block",
    )
    assert result.line == 4
    assert "line 4: param -= lr * param.grad / batch_size" in result.message  # the learner's own line


def test_sgd_zeroing_before_the_update():
    assert_fails(verdict(SGD, """
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param.grad.zero_()
                    param -= lr * param.grad / batch_size
    """), "zero the gradient before the update used it")


def test_sgd_updating_only_the_first_parameter():
    assert_fails(verdict(SGD, """
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                w = params[0]
                w -= lr * w.grad / batch_size
                w.grad.zero_()
    """), "did not update b")


def test_sgd_with_a_parameter_list_it_cannot_take():
    result = verdict(SGD, """
        def sgd(params, lr):
            pass
    """)
    assert_fails(result, "cannot be called the way the book calls it", "TypeError")
    assert result.line == 2
