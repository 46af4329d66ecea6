"""The check of the learner's data_iter.

Every row of the data set it is given says which sample it is, so the batches show what a
caller would notice: every sample exactly once per call, features still paired with their
labels, the core's batch sizes, a shuffled order (1,000 samples: never the original order by
chance) and a new order on each call. Global generators are seeded (and restored) for learner
code that takes no generator, so a check gives the same verdict every time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from tutor.practice.support import (
    Failure,
    LearnerError,
    accepts_keyword,
    call,
    changed,
    core_function,
    kind,
    seeded,
    shape,
)

DATA_ITER = "tutor.scratch.data.data_iter"


def _dataset(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Features and labels where every row says which sample it is: features[i] = (i, 1000 + i),
    labels[i] = i, so each batch shows which samples it holds and whether its pairs match."""
    ids = torch.arange(n, dtype=torch.float32)
    return torch.stack([ids, 1000 + ids], dim=1), ids.reshape(-1, 1).clone()


def _batches(fn: Callable[..., Any], batch_size: int, features: torch.Tensor, labels: torch.Tensor,
             generator: torch.Generator | None, case: str) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Everything one call of the learner's data_iter yields, checked for form as it comes."""
    if generator is not None:
        result = call(fn, case, batch_size, features, labels, generator=generator)
    else:
        result = call(fn, case, batch_size, features, labels)
    _check_is_iterator(result, case)
    n = len(features)
    batches: list[tuple[torch.Tensor, torch.Tensor]] = []
    rows = 0
    iterator = iter(result)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return batches
        except Exception as error:
            raise LearnerError(error, case) from error
        X, y = _batch(item, len(batches) + 1, features, case)
        batches.append((X, y))
        rows += len(X)
        # A correct data_iter yields n rows in at most n batches; far beyond that it never stops.
        if len(batches) > n + 10 or rows > 2 * n + batch_size:
            raise Failure(
                f"your data_iter does not stop after one pass over the data: it had yielded {len(batches)} "
                f"batches ({rows} samples) from {n} samples and was still going. A call should go over the "
                "data once (the training loop calls data_iter again for each epoch): does your loop end "
                "after the last sample?",
                case,
            )


def _check_is_iterator(result: Any, case: str) -> None:
    yield_hint = "inside the loop, yield each batch's features and labels as a pair"
    if result is None:
        raise Failure("your data_iter returned None: it should be a generator that yields the batches — "
                      f"{yield_hint}", case)
    if (isinstance(result, (tuple, list)) and len(result) == 2
            and all(isinstance(v, torch.Tensor) for v in result)):
        raise Failure(
            "your data_iter returned a single batch: return ends the function at the first batch. "
            f"Use yield instead, so the loop can ask for the next batch — {yield_hint}",
            case,
        )
    if isinstance(result, (tuple, list)):
        raise Failure(
            f"your data_iter is not a generator: it returned {kind(result)} with every batch built in advance. "
            f"Yield each (X, y) as the training loop asks for it — {yield_hint}",
            case,
        )
    if not hasattr(result, "__next__"):
        raise Failure(
            f"your data_iter is not a generator: it returned {kind(result)}. A generator yields the (X, y) "
            f"batches one at a time — {yield_hint}",
            case,
        )


def _batch(item: Any, number_: int, features: torch.Tensor, case: str) -> tuple[torch.Tensor, torch.Tensor]:
    if not (isinstance(item, (tuple, list)) and len(item) == 2
            and all(isinstance(v, torch.Tensor) for v in item)):
        raise Failure(
            f"each batch should be a pair (X, y) of tensors; batch {number_} is {kind(item)}: "
            "yield the batch's features and its labels together, as two tensors",
            case,
        )
    X, y = item
    width = features.shape[1]
    if X.dim() != 2 or X.shape[1] != width or y.dim() != 2 or y.shape[1] != 1:
        if X.dim() == 2 and X.shape[1] == 1 and y.dim() == 2 and y.shape[1] == width:
            raise Failure(
                f"batch {number_} has X of shape {shape(X)} and y of shape {shape(y)}: the labels came first. "
                "Yield the features first, then the labels",
                case,
            )
        raise Failure(
            f"batch {number_} has X of shape {shape(X)} and y of shape {shape(y)}; X should hold whole rows "
            f"of features, shape (k, {width}), and y whole rows of labels, shape (k, 1), for the same k "
            "samples: index features and labels by rows",
            case,
        )
    if not (X.is_floating_point() and y.is_floating_point()):
        raise Failure(
            f"batch {number_} has X of type {X.dtype} and y of type {y.dtype}; the features and labels it was "
            f"given hold {features.dtype}: yield their rows as they are, without converting them",
            case,
        )
    if len(X) != len(y):
        raise Failure(
            f"batch {number_} has {len(X)} rows of features but {len(y)} labels: cut both with the same indices",
            case,
        )
    return X.detach(), y.detach()


def _ids(batches: list[tuple[torch.Tensor, torch.Tensor]], features: torch.Tensor, labels: torch.Tensor,
         case: str) -> list[list[int]]:
    """Which sample each row of each batch is; checks rows are real, whole and still paired."""
    all_ids = []
    for number_, (X, y) in enumerate(batches, 1):
        x_ids = X[:, 0].round().long()
        y_ids = y[:, 0].round().long()
        if not _rows_of(X, features, x_ids):
            raise Failure(
                f"batch {number_} holds feature rows that are not rows of the features it was given: "
                "index the features by rows, with the batch's indices",
                case,
            )
        if not _rows_of(y, labels, y_ids):
            raise Failure(
                f"batch {number_} holds labels that are not labels it was given: index the labels by "
                "rows, with the batch's indices",
                case,
            )
        apart = (x_ids != y_ids).nonzero()
        if len(apart):
            row = int(apart[0])
            raise Failure(
                "your features and labels are shuffled apart: the pairs no longer match. In batch "
                f"{number_}, the features of sample {int(x_ids[row])} come with the label of sample "
                f"{int(y_ids[row])}. Index features and labels with the same indices",
                case,
            )
        all_ids.append(x_ids.tolist())
    return all_ids


def _rows_of(batch: torch.Tensor, source: torch.Tensor, ids: torch.Tensor) -> bool:
    """Whether every row of batch is the row `ids` names in source (an empty batch is)."""
    if len(ids) == 0:
        return True
    if ids.min() < 0 or ids.max() >= len(source):
        return False
    return torch.equal(batch.to(source.dtype), source[ids])


def _sizes(sizes: list[int]) -> str:
    """[10, 10, 10, 3] -> '3 of 10, then 3' (compact: a list may have hundreds of entries)."""
    if not sizes:
        return "no batches at all"
    parts: list[str] = []
    start = 0
    while start < len(sizes):
        end = start
        while end < len(sizes) and sizes[end] == sizes[start]:
            end += 1
        count = end - start
        parts.append(f"{count} of {sizes[start]}" if count > 1 else f"one of {sizes[start]}")
        start = end
    return ", then ".join(parts)


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _listed(values: list[int], limit: int = 6) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (", ..." if len(values) > limit else "")


def _check_coverage(ids: list[list[int]], n: int, batch_size: int, core_sizes: list[int], case: str) -> None:
    flat = [i for batch in ids for i in batch]
    counts = (torch.bincount(torch.tensor(flat, dtype=torch.long), minlength=n) if flat
              else torch.zeros(n, dtype=torch.long))
    missing = (counts == 0).nonzero().reshape(-1).tolist()
    repeated = (counts > 1).nonzero().reshape(-1).tolist()
    sizes = [len(batch) for batch in ids]
    seen = f"Your batch sizes: {_sizes(sizes)}."
    if missing and repeated:
        raise Failure(
            f"your batches repeat some samples and drop others: sample {repeated[0]} appears "
            f"{_times(int(counts[repeated[0]]))}, and {len(missing)} of the {n} samples never appear "
            f"(samples {_listed(missing)}). {seen} Each sample should appear exactly once per pass: shuffle a "
            "list of all indices (drawing indices at random, e.g. with torch.randint, repeats some)",
            case,
        )
    if missing:
        message = (
            f"your batches drop samples: {len(missing)} of the {n} samples never appear "
            f"(samples {_listed(missing)}). {seen}"
        )
        remainder = n % batch_size
        if remainder and len(missing) == remainder and sizes and all(s == batch_size for s in sizes):
            message += (
                f" They are the {remainder} left over after the full batches ({n} is not a multiple of "
                f"batch_size {batch_size}): the last, shorter batch is missing. Let the loop's start "
                "index run up to the number of samples, not stop a batch early; slicing past the end "
                "of a list is safe"
            )
        raise Failure(message, case)
    if repeated:
        raise Failure(
            f"your batches repeat samples: sample {repeated[0]} appears {_times(int(counts[repeated[0]]))} "
            f"({len(repeated)} samples appear more than once). {seen} Each sample should appear exactly once "
            "per pass",
            case,
        )
    # Where the one short batch comes is no mistake (the core's is last); how many and how big is.
    if sorted(sizes) != sorted(core_sizes):
        raise Failure(
            f"your batches have the wrong sizes: {_sizes(sizes)}. For {n} samples and batch_size "
            f"{batch_size} they should be {_sizes(core_sizes)}: every batch full except the last",
            case,
        )


def _check_shuffled(first: list[list[int]], second: list[list[int]], batch_size: int, case: str) -> None:
    """For 1,000 samples, a real shuffle gives the original order, neighbours-only batches or the
    same order twice with a probability below 1e-100: these are never chance."""
    order = [i for batch in first for i in batch]
    if order == sorted(order):
        raise Failure(
            "your data_iter does not shuffle at all: the batches come in the original order (the first "
            f"batch holds samples {_listed(first[0])}). Shuffle the indices (random.shuffle or "
            "torch.randperm) so that each epoch sees the samples in a new random order",
            case,
        )
    full = [batch for batch in first if len(batch) == batch_size]
    if full and all(max(batch) - min(batch) == batch_size - 1 for batch in full):
        raise Failure(
            "your shuffling does not mix the samples across batches: each batch holds a block of "
            f"neighbouring samples (batch 1 holds samples {min(first[0])} to {max(first[0])}). Shuffle all "
            "the indices first, then cut them into batches",
            case,
        )
    if [i for batch in second for i in batch] == order:
        raise Failure(
            "your data_iter gives the same order on every call, so every epoch sees the samples in the same "
            "order. Does it seed a random generator itself (torch.manual_seed or random.seed inside "
            "data_iter)? Shuffle afresh on each call",
            case,
        )


def check_data_iter(fn: Callable[..., Any]) -> str:
    core = core_function(DATA_ITER)
    takes_generator = accepts_keyword(fn, "generator")
    # (num_examples, batch_size): a count the batch size does not divide; the lesson's 1000 / 64
    # (also used for shuffling); a batch size larger than the data.
    for n, batch_size, seed in [(103, 10, 11), (1000, 64, 12), (7, 10, 13)]:
        case = f"data_iter(batch_size={batch_size}, features, labels) with {n} samples"
        features, labels = _dataset(n)
        features_before, labels_before = features.clone(), labels.clone()
        generator = torch.Generator().manual_seed(seed) if takes_generator else None
        with seeded(seed):
            first = _batches(fn, batch_size, features, labels, generator, case)
            if changed(features_before, features) or changed(labels_before, labels):
                which = "features" if changed(features_before, features) else "labels"
                raise Failure(
                    f"your data_iter changed the caller's {which} (it shuffled them in place): the data set "
                    "itself must stay as it was. Shuffle a list of indices instead and index with it",
                    case,
                )
            ids = _ids(first, features, labels, case)
            core_batches = core(batch_size, features, labels, generator=torch.Generator().manual_seed(seed))
            core_sizes = [len(X) for X, _ in core_batches]
            _check_coverage(ids, n, batch_size, core_sizes, case)
            if n == 1000:
                second = _ids(_batches(fn, batch_size, features, labels, generator, case + " (called twice)"),
                              features, labels, case)
                _check_shuffled(ids, second, batch_size, case)
    return (
        "your data_iter matches the book's: every sample exactly once per call, in a new random order, "
        "features still paired with their labels, full batches and a shorter last one"
    )
