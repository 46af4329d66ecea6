"""The model, the loss and the optimiser (the book's `linreg`, `squared_loss` and `sgd`)."""

import torch


def linreg(X, w, b):
    """The linear regression model: y_hat = Xw + b."""
    # X is (n, d) and w is (d, 1), so y_hat is (n, 1);
    # b is broadcast to every row
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    """Squared loss, one value per example."""
    # reshape y like y_hat: a y of shape (n,) against a y_hat of (n, 1)
    # would otherwise broadcast to an (n, n) matrix of every pair
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent."""
    # the update is not part of the model: autograd must not record it
    with torch.no_grad():
        for param in params:
            # the loss was summed over the batch:
            # divide by batch_size for the mean gradient
            param -= lr * param.grad / batch_size
            # backward() adds to .grad: clear it for the next batch
            param.grad.zero_()
