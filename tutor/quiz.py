"""Grading quiz answers: pure functions from a Quiz and the learner's answer to a Verdict.

No torch, no textual, no English: `problem` is a code the UI translates, and every text in a
Verdict comes from the lesson itself (in the lesson's language). The app and plain mode render the
same Verdict: a headline, one line per option the feedback is about (named by its text, so a why
such as "Chosen before training." is never left without its option), and, once `revealed`, the
options missed and the explanation. `option_order` gives the order a learner sees the options in.

Answers:
- choice: the chosen indices (a list; a single int is taken as [int]). With one correct choice the
  learner picks exactly one; with several, the answer is right only if the chosen set equals the
  correct set.
- number: the typed text. Accepted forms, with spaces around: integers (40, -3, +3), decimals
  (0.625, .5, 5.), scientific notation (4e1, 6.25E-1), fractions a/b of two such numbers (5/8,
  -1/3, 1e3/8) and percentages, where % means hundredths as in arithmetic ("62.5%" is 0.625;
  so a quiz whose answer is itself in percent should ask for the number without the sign).
  Full-width characters from a Chinese input method (４０, ０．６２５, ５／８) and the
  Unicode minus sign are read as their ASCII forms. Not accepted: commas (1,000 and 0,5 are
  ambiguous), nan, inf, anything that overflows to infinity (1e309), division by zero, and
  units or words.
  Right if within the quiz's absolute tolerance of the answer, or within a relative 1e-9 of it so
  that float noise (0.1 + 0.2 typed as 0.30000000000000004) never makes a right answer wrong.
- text: right if it equals an `accept` entry after normalising both (Unicode NFKC, case folded,
  runs of whitespace collapsed to one space and dropped beside punctuation; quotes and backticks
  around it, sentence punctuation after it, and brackets wrapping all of it dropped), or if the
  `pattern` matches the whole answer (case-insensitive), with or without that surrounding
  punctuation. Works for any script: Chinese answers and Chinese punctuation (。，“”「」《》) are
  handled like any other.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from tutor.content.model import Quiz

# problem codes (the UI translates them)
EMPTY = "empty"
NOT_A_NUMBER = "not_a_number"
PICK_ONE = "pick_one"

# what a note says about an option
PICKED_RIGHT = "picked_right"  # chosen, and correct
PICKED_WRONG = "picked_wrong"  # chosen, and not correct
MISSED = "missed"  # correct, and not chosen

# After this many wrong answers the answer is told anyway: a learner who is stuck learns more
# from the reasoning than from guessing on.
REVEAL_AFTER_WRONG = 2

# Float noise allowance for number answers: 0.1 + 0.2 != 0.3 in floating point.
RELATIVE_EPSILON = 1e-9
# The same for an answer of exactly 0, where a relative tolerance allows nothing.
ABSOLUTE_EPSILON = 1e-12


@dataclass(frozen=True)
class OptionNote:
    """What the feedback says about one option of a choice quiz, naming it by its text."""

    index: int  # in the quiz's choices as written (what an answer holds), whatever the order shown
    text: str  # the option's text, as the learner saw it
    mark: str  # PICKED_RIGHT, PICKED_WRONG or MISSED
    why: str  # the option's why; "" if the author gave none


@dataclass(frozen=True)
class Verdict:
    """A graded answer, for every front end to render the same way.

    Render: the headline (right / not quite), then one line per note of `picks` (each naming its
    option), then, only if `revealed`, one line per note of `missed` and the explanation.
    """

    correct: bool
    # False: the answer could not be graded (empty, not a number, several picked where one is
    # asked); it is not an attempt and should not be recorded as one.
    valid: bool = True
    problem: str | None = None
    # choice quizzes: one note per chosen option, in the order the options are shown
    picks: tuple[OptionNote, ...] = ()
    # a wrong multi-choice answer: the correct options not chosen, in the order shown
    missed: tuple[OptionNote, ...] = ()
    # the quiz's explanation; empty for an invalid answer, so that it is not given away
    explain: str = ""
    # True once the answer may be told: the answer is right, or REVEAL_AFTER_WRONG answers were
    # wrong. Until then `missed` and `explain` are not shown, so that a retry still means something.
    revealed: bool = False


def has_hint(quiz: Quiz) -> bool:
    """Whether the quiz has a hint to offer (front ends show a Hint button only then)."""
    return bool(quiz.hint.strip())


def grade(
    quiz: Quiz,
    answer: Any,
    *,
    order: Sequence[int] | None = None,
    earlier_wrong: int = 0,
) -> Verdict:
    """Grade `answer` (see the module docstring for its forms).

    `order` is how the options were shown (from `option_order`), so that notes come in that
    order; `earlier_wrong` is how many wrong attempts the learner made before this one.
    """
    if quiz.type == "choice":
        verdict = _grade_choice(quiz, answer, order)
    elif quiz.type == "number":
        verdict = _grade_number(quiz, answer)
    elif quiz.type == "text":
        verdict = _grade_text(quiz, answer)
    else:
        raise ValueError(f"quiz {quiz.id!r} has an unknown type {quiz.type!r}")
    if not verdict.valid:
        return verdict
    wrong = earlier_wrong + (not verdict.correct)
    return replace(verdict, revealed=verdict.correct or wrong >= REVEAL_AFTER_WRONG)


def _invalid(problem: str) -> Verdict:
    return Verdict(correct=False, valid=False, problem=problem)


# ---- the order options are shown in ----------------------------------------------------------


def option_order(quiz: Quiz, learner_seed: int) -> tuple[int, ...]:
    """The order in which this learner sees the quiz's options: indices into `quiz.choices`.

    A pure function of the learner's seed (`ProgressStore.learner_seed()`) and the quiz id, so
    a learner sees the same order each time (and in each language: a translation keeps its
    original's id, options and shuffle), while learners differ. `shuffle: false` keeps the
    author's order. Answers stay indices into `quiz.choices`, so recorded attempts do not depend
    on the order.
    """
    indices = list(range(len(quiz.choices)))
    if not quiz.shuffle:
        return tuple(indices)
    # sha256, not hash(): Python salts str hashes per process, and the order must survive restarts
    digest = hashlib.sha256(f"{learner_seed}\0{quiz.id}".encode()).digest()
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(indices)
    return tuple(indices)


# ---- choice ----------------------------------------------------------------------------------


def _grade_choice(quiz: Quiz, answer: Any, order: Sequence[int] | None) -> Verdict:
    chosen = _chosen_indices(quiz, answer)
    if not chosen:
        return _invalid(EMPTY)
    if not quiz.multiple and len(chosen) > 1:
        return _invalid(PICK_ONE)
    shown = _shown(quiz, order)
    right = {i for i, c in enumerate(quiz.choices) if c.correct}
    correct = chosen == right

    def note(index: int, mark: str) -> OptionNote:
        choice = quiz.choices[index]
        return OptionNote(index, choice.text, mark, choice.why)

    picks = tuple(note(i, PICKED_RIGHT if i in right else PICKED_WRONG) for i in shown if i in chosen)
    missed: tuple[OptionNote, ...] = ()
    if quiz.multiple and not correct:
        missed = tuple(note(i, MISSED) for i in shown if i in right and i not in chosen)
    return Verdict(correct, True, None, picks, missed, quiz.explain)


def _shown(quiz: Quiz, order: Sequence[int] | None) -> list[int]:
    if order is None:
        return list(range(len(quiz.choices)))
    shown = list(order)
    if sorted(shown) != list(range(len(quiz.choices))):
        raise ValueError(f"quiz {quiz.id!r}: {shown!r} is not an order of its {len(quiz.choices)} options")
    return shown


def _chosen_indices(quiz: Quiz, answer: Any) -> set[int]:
    """The distinct chosen indices; ValueError for what no UI can send."""
    if answer is None:
        return set()
    items = [answer] if isinstance(answer, int) else list(answer)
    for i in items:
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < len(quiz.choices):
            raise ValueError(f"quiz {quiz.id!r}: no choice {i!r} (it has {len(quiz.choices)})")
    return set(items)


# ---- number ----------------------------------------------------------------------------------

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_FRACTION = re.compile(rf"({_NUMBER})\s*/\s*({_NUMBER})")
_PERCENT = re.compile(rf"({_NUMBER})\s*%")
_PLAIN = re.compile(_NUMBER)


def parse_number(text: str) -> float | None:
    """The finite number the learner typed, or None (see the module docstring for the forms)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    if match := _PLAIN.fullmatch(text):
        value = float(match.group(0))
    elif match := _FRACTION.fullmatch(text):
        numerator, denominator = float(match.group(1)), float(match.group(2))
        if not (math.isfinite(numerator) and math.isfinite(denominator)) or denominator == 0:
            return None
        value = numerator / denominator
    elif match := _PERCENT.fullmatch(text):
        value = float(match.group(1)) / 100
    else:
        return None
    # float() turns 1e309 into inf: not a number anyone means.
    return _finite(value)


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return number if math.isfinite(number) else None


def _grade_number(quiz: Quiz, answer: Any) -> Verdict:
    if quiz.answer is None:
        raise ValueError(f"number quiz {quiz.id!r} has no answer")
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        value = _finite(answer)
    else:
        text = "" if answer is None else str(answer)
        if not text.strip():
            return _invalid(EMPTY)
        value = parse_number(text)
    if value is None:
        return _invalid(NOT_A_NUMBER)
    tolerance = max(quiz.tolerance or 0.0, ABSOLUTE_EPSILON)
    correct = math.isclose(value, quiz.answer, rel_tol=RELATIVE_EPSILON, abs_tol=tolerance)
    return Verdict(correct, explain=quiz.explain)


# ---- text ------------------------------------------------------------------------------------


# Dropped after a text answer: sentence punctuation, ASCII and CJK (full-width ，！？
# become ASCII under NFKC). Not dropped in front, where "-" or "." may be part of the answer.
_SENTENCE_END = set(".,;:!?。、")


def _is_quote(ch: str) -> bool:
    # backticks of `code`, ASCII quotes, and quotes of any script (“ ” ‘ ’ « »)
    return ch in "`'\"" or unicodedata.category(ch) in ("Pi", "Pf")


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        kind = unicodedata.category(ch)
        depth += (kind == "Ps") - (kind == "Pe")
        if depth < 0:
            return False
    return depth == 0


def _strip_edges(text: str) -> str:
    """Drop quotes, backticks, trailing sentence punctuation and brackets around the whole text.

    Brackets go only as a pair that wraps everything ("(n, 1)", 「反向传播」, 《…》), so the
    ")" of "x.reshape(y.shape)" stays.
    """
    current = text
    while True:
        start, end = 0, len(current)
        while start < end and (current[start].isspace() or _is_quote(current[start])):
            start += 1
        while end > start and (
            current[end - 1].isspace()
            or _is_quote(current[end - 1])
            or current[end - 1] in _SENTENCE_END
        ):
            end -= 1
        inner = current[start:end]
        if (
            len(inner) >= 2
            and unicodedata.category(inner[0]) == "Ps"
            and unicodedata.category(inner[-1]) == "Pe"
            and _balanced(inner[1:-1])
        ):
            inner = inner[1:-1]
        if inner == current:
            break
        current = inner
    # An answer that is nothing but punctuation ("()") is compared as it is, or "[]" would equal it.
    return current or text


# Spaces beside punctuation carry no meaning in an answer: "(10,10)" is "(10, 10)", and
# "create_graph = True" is "create_graph=True". Spaces between two words stay ("learning rate").
_SPACED_PUNCTUATION = re.compile(r"\s*([^\w\s])\s*")


def normalize_text(text: str) -> str:
    """The form in which a text answer and an `accept` entry are compared."""
    collapsed = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return _SPACED_PUNCTUATION.sub(r"\1", _strip_edges(collapsed))


def _grade_text(quiz: Quiz, answer: Any) -> Verdict:
    text = "" if answer is None else str(answer)
    if not text.strip():
        return _invalid(EMPTY)
    key = normalize_text(text)
    correct = any(key == normalize_text(a) for a in quiz.accept)
    if not correct and quiz.pattern:
        # The pattern sees the answer with whitespace collapsed, with or without the punctuation
        # around it, so `x.sum()` in backticks and a pattern ending in \) both work.
        collapsed = " ".join(unicodedata.normalize("NFKC", text).split())
        candidates = {collapsed, _strip_edges(collapsed)}
        correct = any(
            re.fullmatch(quiz.pattern, c, re.IGNORECASE) is not None for c in candidates
        )
    return Verdict(correct, explain=quiz.explain)

