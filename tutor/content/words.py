"""Words for error messages: "did you mean" for a near miss, and lists of names."""

from __future__ import annotations

from collections.abc import Iterable


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a near miss was meant to be (one edit for short words, two for longer)."""
    best, best_distance = None, None
    limit = 1 if len(word) <= 4 else 2
    for candidate in candidates:
        distance = levenshtein(word.lower(), candidate.lower())
        if distance <= limit and (best_distance is None or distance < best_distance):
            best, best_distance = candidate, distance
    return best


def suggest(word: str, candidates: Iterable[str]) -> str:
    """" (did you mean 'lr'?)" for a near miss, else ""."""
    best = closest(word, candidates)
    return f" (did you mean {best!r}?)" if best else ""


def quoted(names: Iterable[str]) -> str:
    return ", ".join(names)
