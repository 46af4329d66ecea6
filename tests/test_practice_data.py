"""The checks of synthetic_data and data_iter: the core passes, correct variants pass however
they are written (with or without a generator argument), and each usual mistake fails with its
own diagnosis."""

import inspect

import pytest

import tutor.scratch.data as core
from tests.practice_helpers import assert_fails, verdict

SYNTHETIC = "tutor.scratch.data.synthetic_data"
DATA_ITER = "tutor.scratch.data.data_iter"


# ---------------------------------------------------------------- synthetic_data

BOOK_SYNTHETIC = """
    def synthetic_data(w, b, num_examples):
        X = torch.normal(0, 1, (num_examples, len(w)))
        y = torch.matmul(X, w) + b
        y += torch.normal(0, 0.01, y.shape)
        return X, y.reshape((-1, 1))
"""

SYNTHETIC_CORRECT = {
    "the book's, without a generator": BOOK_SYNTHETIC,
    "randn": """
        def synthetic_data(w, b, num_examples):
            X = torch.randn(num_examples, len(w))
            y = X @ w + b + 0.01 * torch.randn(num_examples)
            return X, y.reshape(-1, 1)
    """,
    "mv and unsqueeze, keyword-only generator": """
        def synthetic_data(w, b, num_examples, *, generator=None):
            X = torch.normal(0.0, 1.0, size=(num_examples, len(w)), generator=generator)
            noise = torch.normal(0.0, 0.01, size=(num_examples,), generator=generator)
            return X, (torch.mv(X, w) + b + noise).unsqueeze(1)
    """,
    "column weights, normal_": """
        def synthetic_data(w, b, num_examples):
            X = torch.empty(num_examples, len(w)).normal_()
            y = X @ w.reshape(-1, 1) + b
            return X, y + torch.normal(0.0, 0.01, size=(num_examples, 1))
    """,
    "one row at a time (slow, but correct)": """
        def synthetic_data(w, b, num_examples):
            rows, labels = [], []
            for _ in range(num_examples):
                x = [random.gauss(0, 1) for _ in range(len(w))]
                rows.append(x)
                labels.append([sum(xi * float(wi) for xi, wi in zip(x, w)) + b + random.gauss(0, 0.01)])
            return torch.tensor(rows), torch.tensor(labels)
    """,
}


def test_core_synthetic_data_passes():
    result = verdict(SYNTHETIC, inspect.getsource(core.synthetic_data))
    assert result.passed, result


@pytest.mark.parametrize("name", SYNTHETIC_CORRECT)
def test_correct_synthetic_data_variants_pass(name):
    result = verdict(SYNTHETIC, SYNTHETIC_CORRECT[name])
    assert result.passed, result


def test_noise_of_the_wrong_scale():
    result = verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("torch.normal(0, 0.01, y.shape)",
                                                       "torch.normal(0, 0.1, y.shape)"))
    assert_fails(result, "wrong scale", "standard deviation is 0.1", "the book's is 0.01")
    assert "num_examples=10000" in result.case


def test_noise_given_as_a_variance():
    assert_fails(verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("0.01, y.shape", "0.01 ** 2, y.shape")), "wrong scale",
                 "not the variance")


def test_no_noise():
    assert_fails(verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("y += torch.normal(0, 0.01, y.shape)", "pass")),
                 "no noise")


def test_noise_not_centred():
    assert_fails(verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("torch.normal(0, 0.01", "torch.normal(0.01, 0.01")),
                 "not centred on 0")


def test_labels_not_a_column():
    result = verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("y.reshape((-1, 1))", "y"))
    assert_fails(result, "labels not shaped (1000, 1)", "reshape y into a column")
    assert "num_examples=1000)" in result.case


def test_labels_without_bias():
    assert_fails(verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("torch.matmul(X, w) + b", "torch.matmul(X, w)")),
                 "no bias", "+ b")


def test_labels_off_the_line():
    assert_fails(verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("torch.matmul(X, w) + b", "torch.matmul(X, w) * b")),
                 "do not follow y = X w + b + noise")


def test_uniform_features():
    assert_fails(verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("torch.normal(0, 1, (num_examples, len(w)))",
                                                           "torch.rand(num_examples, len(w))")),
                 "standard normal", "torch.rand draws uniformly")


def test_synthetic_data_returning_none():
    assert_fails(verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("return X, y.reshape((-1, 1))", "data = X, y")),
                 "returned None")


def test_synthetic_data_as_a_generator():
    assert_fails(verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("return X", "yield X")), "returned a generator")


def test_synthetic_data_returning_one_tensor():
    assert_fails(verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("return X, y.reshape((-1, 1))", "return X")),
                 "returned one tensor", "two")


def test_synthetic_data_changing_the_callers_w():
    assert_fails(verdict(SYNTHETIC, """
        def synthetic_data(w, b, num_examples):
            w.unsqueeze_(1)
            X = torch.normal(0, 1, (num_examples, len(w)))
            y = X @ w + b + torch.normal(0, 0.01, (num_examples, 1))
            return X, y
    """), "changed the w it was given")


def test_synthetic_data_with_two_features_hard_coded_fails_at_its_line():
    result = verdict(SYNTHETIC, BOOK_SYNTHETIC.replace("(num_examples, len(w))", "(num_examples, 2)"))
    assert_fails(result, "RuntimeError", "line 4: y = torch.matmul(X, w) + b")
    assert result.line == 4
    assert "w=[-1.2, 0.7, 2.5]" in result.case


# ---------------------------------------------------------------- data_iter

BOOK_DATA_ITER = """
    def data_iter(batch_size, features, labels):
        num_examples = len(features)
        indices = list(range(num_examples))
        random.shuffle(indices)
        for i in range(0, num_examples, batch_size):
            batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
            yield features[batch_indices], labels[batch_indices]
"""

DATA_ITER_CORRECT = {
    "the book's (random.shuffle)": BOOK_DATA_ITER,
    "randperm split": """
        def data_iter(batch_size, features, labels):
            for idx in torch.randperm(len(features)).split(batch_size):
                yield features[idx], labels[idx]
    """,
    "permuted copies, sliced, with a generator": """
        def data_iter(batch_size, features, labels, generator=None):
            perm = torch.randperm(len(features), generator=generator)
            shuffled_X, shuffled_y = features[perm], labels[perm]
            for start in range(0, len(features), batch_size):
                yield shuffled_X[start:start + batch_size], shuffled_y[start:start + batch_size]
    """,
    "a returned generator expression": """
        def data_iter(batch_size, features, labels):
            order = list(range(len(features)))
            random.shuffle(order)
            return ((features[order[i:i + batch_size]], labels[order[i:i + batch_size]])
                    for i in range(0, len(order), batch_size))
    """,
    "numpy permutation": """
        import numpy as np

        def data_iter(batch_size, features, labels):
            order = np.random.permutation(len(features))
            for i in range(0, len(order), batch_size):
                batch = torch.from_numpy(order[i:i + batch_size])
                yield features[batch], labels[batch]
    """,
    "while loop over a shuffled index tensor": """
        def data_iter(batch_size, features, labels):
            indices = torch.randperm(features.shape[0])
            while len(indices) > 0:
                batch, indices = indices[:batch_size], indices[batch_size:]
                yield features[batch], labels[batch]
    """,
}


def test_core_data_iter_passes():
    result = verdict(DATA_ITER, inspect.getsource(core.data_iter))
    assert result.passed, result


@pytest.mark.parametrize("name", DATA_ITER_CORRECT)
def test_correct_data_iter_variants_pass(name):
    result = verdict(DATA_ITER, DATA_ITER_CORRECT[name])
    assert result.passed, result


def test_data_iter_dropping_the_short_last_batch():
    result = verdict(DATA_ITER, BOOK_DATA_ITER.replace("range(0, num_examples, batch_size)",
                                                       "range(0, num_examples - batch_size + 1, batch_size)"))
    assert_fails(result, "drop samples", "3 of the 103 samples never appear", "the last, shorter batch is missing")
    assert "103 samples" in result.case


def test_data_iter_sampling_with_replacement():
    assert_fails(verdict(DATA_ITER, """
        def data_iter(batch_size, features, labels):
            for _ in range(0, len(features), batch_size):
                idx = torch.randint(0, len(features), (batch_size,))
                yield features[idx], labels[idx]
    """), "repeat some samples and drop others")


def test_data_iter_repeating_samples_to_fill_the_last_batch():
    assert_fails(verdict(DATA_ITER, """
        def data_iter(batch_size, features, labels):
            n = len(features)
            indices = torch.randperm(n)
            for i in range(0, n, batch_size):
                idx = torch.arange(i, i + batch_size) % n
                yield features[indices[idx]], labels[indices[idx]]
    """), "your batches repeat samples", "exactly once per pass")


def test_data_iter_shuffling_features_and_labels_apart():
    assert_fails(verdict(DATA_ITER, """
        def data_iter(batch_size, features, labels):
            n = len(features)
            X, y = features[torch.randperm(n)], labels[torch.randperm(n)]
            for i in range(0, n, batch_size):
                yield X[i:i + batch_size], y[i:i + batch_size]
    """), "shuffled apart", "pairs no longer match", "the features of sample")


def test_data_iter_without_shuffling():
    result = verdict(DATA_ITER, BOOK_DATA_ITER.replace("random.shuffle(indices)", "pass"))
    assert_fails(result, "does not shuffle at all", "original order")
    assert "1000 samples" in result.case


def test_data_iter_shuffling_only_the_order_of_batches():
    assert_fails(verdict(DATA_ITER, """
        def data_iter(batch_size, features, labels):
            starts = list(range(0, len(features), batch_size))
            random.shuffle(starts)
            for i in starts:
                yield features[i:i + batch_size], labels[i:i + batch_size]
    """), "does not mix the samples across batches")


def test_data_iter_with_the_same_order_on_every_call():
    assert_fails(verdict(DATA_ITER, BOOK_DATA_ITER.replace("random.shuffle(indices)",
                                                           "random.Random(0).shuffle(indices)")),
                 "same order on every call")


def test_data_iter_shuffling_the_callers_tensors_in_place():
    assert_fails(verdict(DATA_ITER, """
        def data_iter(batch_size, features, labels):
            perm = torch.randperm(len(features))
            features[:] = features[perm]
            labels[:] = labels[perm]
            for i in range(0, len(features), batch_size):
                yield features[i:i + batch_size], labels[i:i + batch_size]
    """), "changed the caller's features")


def test_data_iter_returning_a_list():
    assert_fails(verdict(DATA_ITER, """
        def data_iter(batch_size, features, labels):
            idx = torch.randperm(len(features))
            return [(features[i], labels[i]) for i in idx.split(batch_size)]
    """), "is not a generator", "a list of")


def test_data_iter_returning_instead_of_yielding():
    assert_fails(verdict(DATA_ITER, BOOK_DATA_ITER.replace("yield", "return")), "returned a single batch",
                 "Use yield")


def test_data_iter_returning_none():
    assert_fails(verdict(DATA_ITER, BOOK_DATA_ITER.replace("yield features[batch_indices], labels[batch_indices]",
                                                           "batch = features[batch_indices], labels[batch_indices]")),
                 "returned None", "yield")


def test_data_iter_yielding_labels_first():
    assert_fails(verdict(DATA_ITER, BOOK_DATA_ITER.replace("yield features[batch_indices], labels[batch_indices]",
                                                           "yield labels[batch_indices], features[batch_indices]")),
                 "the labels came first")


def test_data_iter_with_batches_of_the_wrong_sizes():
    assert_fails(verdict(DATA_ITER, """
        def data_iter(batch_size, features, labels):
            n = len(features)
            for idx in torch.randperm(n).tensor_split(math.ceil(n / batch_size)):
                yield features[idx], labels[idx]
    """), "wrong sizes", "every batch full except the last", "10 of 10, then one of 3")


def test_data_iter_that_never_stops_is_cut_short():
    assert_fails(verdict(DATA_ITER, """
        def data_iter(batch_size, features, labels):
            while True:
                idx = torch.randperm(len(features))[:batch_size]
                yield features[idx], labels[idx]
    """), "does not stop after one pass")


def test_data_iter_error_inside_the_generator_points_at_its_line():
    result = verdict(DATA_ITER, """
        def data_iter(batch_size, features, labels):
            indices = list(range(len(features)))
            random.shuffle(indices)
            for i in range(0, len(indices), batch_size):
                yield features[indices[i:i + batch_size]], labels[indice[i:i + batch_size]]
    """)
    assert_fails(result, "NameError", "indice", "line 6: yield")
    assert result.line == 6


def test_data_iter_yielding_something_else_than_the_rows():
    assert_fails(verdict(DATA_ITER, """
        def data_iter(batch_size, features, labels):
            for idx in torch.randperm(len(features)).split(batch_size):
                yield features[idx] > 0, labels[idx] > 0
    """), "torch.bool", "yield their rows as they are")
