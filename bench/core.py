"""The book's training loop against tutor.scratch.train() on the same data, in one run.

The book's loop shuffles a Python list with random.shuffle and builds torch.tensor(indices) for
every batch; the core shuffles with torch.randperm and slices the permutation. Both keep
autograd (l.sum().backward()) and the book's sgd. Prints both times (best of --repeat), the
ratio core/book and both final losses, beside the closed-form loss (the noise floor).

    OMP_NUM_THREADS=1 .venv/bin/python bench/core.py
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import torch

# run from a checkout without installing: the repository root holds the tutor package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tutor.scratch.data import data_iter, synthetic_data
from tutor.scratch.model import linreg, sgd, squared_loss
from tutor.scratch.train import closed_form, train


def book_data_iter(batch_size, features, labels):
    # the book's data_iter, verbatim apart from the name
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def book_loop(features, labels, lr, batch_size, num_epochs, seed):
    """The book's training loop (its prints collected instead), with w ~ N(0, 0.01²), b = 0."""
    random.seed(seed)
    torch.manual_seed(seed)
    w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    net, loss = linreg, squared_loss
    epoch_losses = []
    for epoch in range(num_epochs):
        for X, y in book_data_iter(batch_size, features, labels):
            l = loss(net(X, w, b), y)
            l.sum().backward()
            sgd([w, b], lr, batch_size)
        with torch.no_grad():
            train_l = loss(net(features, w, b), labels)
            epoch_losses.append(float(train_l.mean()))
    return epoch_losses[-1]


def read_all(batches, epochs):
    """Seconds to read every minibatch of `epochs` epochs."""
    start = time.perf_counter()
    for _ in range(epochs):
        for X, y in batches():
            pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="runs of each; the best time counts")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    true_w, true_b = torch.tensor([2, -3.4]), 4.2
    features, labels = synthetic_data(true_w, true_b, 1000, generator=torch.Generator().manual_seed(0))
    lr, batch_size = 0.03, 10

    book_times, core_times, book_losses, core_losses = [], [], [], []
    book_reading, core_reading = [], []
    # interleaved, so that a neighbour's load on a shared machine hits both alike
    for rep in range(args.repeat):
        start = time.perf_counter()
        book_losses.append(book_loop(features, labels, lr, batch_size, args.epochs, seed=rep))
        book_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        history = train(features, labels, lr=lr, batch_size=batch_size, num_epochs=args.epochs, seed=rep)
        core_times.append(time.perf_counter() - start)
        core_losses.append(history.epoch_losses[-1])
        # the data path alone: reading every minibatch, no model
        book_reading.append(read_all(lambda: book_data_iter(batch_size, features, labels), args.epochs))
        generator = torch.Generator().manual_seed(rep)
        core_reading.append(read_all(lambda: data_iter(batch_size, features, labels, generator), args.epochs))

    _, _, floor = closed_form(features, labels)
    book, core = min(book_times), min(core_times)
    steps = args.epochs * 100
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), {args.epochs} epochs "
          f"x 100 steps (1000 samples, batch 10, lr 0.03), best of {args.repeat}")
    print(f"book loop : {book * 1e3:8.1f} ms  ({book / steps * 1e6:6.1f} us/step)  "
          f"final loss {book_losses[-1]:.3e}")
    print(f"train()   : {core * 1e3:8.1f} ms  ({core / steps * 1e6:6.1f} us/step)  "
          f"final loss {core_losses[-1]:.3e}")
    ratios = sorted(c / b for c, b in zip(core_times, book_times))
    print(f"ratio core/book: {core / book:.2f} (best times); per interleaved pair: median "
          f"{statistics.median(ratios):.2f}, range {ratios[0]:.2f}..{ratios[-1]:.2f}")
    book_read, core_read = min(book_reading), min(core_reading)
    print(f"reading the minibatches alone: book {book_read * 1e3:.1f} ms, core {core_read * 1e3:.1f} ms "
          f"(ratio {core_read / book_read:.2f}); the rest of a step is the model, autograd and sgd, "
          f"the same code in both")
    print(f"closed-form loss (noise floor): {floor:.3e}; final losses over the runs: "
          f"book {min(book_losses):.3e}..{max(book_losses):.3e}, "
          f"core {min(core_losses):.3e}..{max(core_losses):.3e}")


if __name__ == "__main__":
    main()
