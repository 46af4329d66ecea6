"""Generating the data set and reading it in minibatches (the book's `synthetic_data` and `data_iter`)."""

import torch


def synthetic_data(w, b, num_examples, generator=None, noise=0.01):
    """Generate y = Xw + b + noise."""
    X = torch.normal(0, 1, (num_examples, len(w)), generator=generator)
    y = torch.matmul(X, w) + b
    # measurement noise: mean 0, standard deviation `noise` (book: 0.01)
    y += torch.normal(0, noise, y.shape, generator=generator)
    # labels as a column (num_examples, 1), like the model's output
    return X, y.reshape((-1, 1))


def data_iter(batch_size, features, labels, generator=None):
    """Yield (X, y) minibatches covering every example once, shuffled."""
    num_examples = len(features)
    # a random order of the example indices
    # (the book shuffles a Python list with random.shuffle)
    indices = torch.randperm(num_examples, generator=generator)
    for i in range(0, num_examples, batch_size):
        # slicing past the end never raises: the last batch is just
        # shorter when num_examples is not a multiple of batch_size
        batch_indices = indices[i: i + batch_size]
        yield features[batch_indices], labels[batch_indices]
