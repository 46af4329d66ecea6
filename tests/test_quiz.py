"""Grading quiz answers the way a learner types and picks them."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.content.model import Choice, Quiz, Where
from tutor.quiz import (
    MISSED,
    PICKED_RIGHT,
    PICKED_WRONG,
    OptionNote,
    grade,
    has_hint,
    normalize_text,
    option_order,
    parse_number,
)

HERE = Where(Path("lesson.md"), 1, 1)


def choice_quiz(*choices: Choice) -> Quiz:
    return Quiz("q", "choice", "Which?", HERE, choices=list(choices), explain="Because.")


def number_quiz(answer: float, tolerance: float = 0.0) -> Quiz:
    return Quiz(
        "n", "number", "How many?", HERE, answer=answer, tolerance=tolerance, explain="Count."
    )


def text_quiz(accept: list[str] = (), pattern: str | None = None) -> Quiz:
    return Quiz("t", "text", "Name it", HERE, accept=list(accept), pattern=pattern, explain="So.")


# ---- choice ------------------------------------------------------------------------------------

SINGLE = choice_quiz(
    Choice("retain_graph=True", why="Keeps the graph, but the gradient is not differentiable."),
    Choice("create_graph=True", correct=True, why="Records the gradient's own graph."),
    Choice("torch.no_grad()"),  # no why: nothing to say
)


def test_single_choice_right_and_wrong_name_the_picked_option_with_its_why():
    right = grade(SINGLE, [1])
    assert right.correct and right.valid and right.problem is None and right.revealed
    assert right.picks == (
        OptionNote(1, "create_graph=True", PICKED_RIGHT, "Records the gradient's own graph."),
    )
    assert right.explain == "Because."
    wrong = grade(SINGLE, [0])
    assert not wrong.correct and wrong.valid and not wrong.revealed
    assert wrong.picks == (
        OptionNote(0, "retain_graph=True", PICKED_WRONG,
                   "Keeps the graph, but the gradient is not differentiable."),
    )
    assert wrong.missed == ()  # a single-choice retry must not be given the answer


def test_a_single_int_is_one_pick_and_a_choice_without_why_is_still_named():
    assert grade(SINGLE, 1).correct
    verdict = grade(SINGLE, [2])
    assert not verdict.correct
    assert verdict.picks == (OptionNote(2, "torch.no_grad()", PICKED_WRONG, ""),)


def test_single_choice_asks_for_exactly_one_pick():
    several = grade(SINGLE, [0, 1])
    assert (several.valid, several.correct, several.problem) == (False, False, "pick_one")
    assert several.explain == "" and not several.revealed  # not given away by an invalid answer
    for nothing in ([], None, ()):
        empty = grade(SINGLE, nothing)
        assert (empty.valid, empty.problem) == (False, "empty")


def test_an_index_no_ui_could_send_is_a_bug_not_a_wrong_answer():
    for bad in ([3], [-1], ["1"], [True], [1.0]):
        with pytest.raises(ValueError):
            grade(SINGLE, bad)
    with pytest.raises(ValueError):
        grade(SINGLE, [0], order=[0, 1])  # an order that is not one of the quiz's options


MULTI = choice_quiz(
    Choice("y has shape (n,)", correct=True, why="labels is a column, y_hat too?"),
    Choice("loss is a scalar", why="It is a vector of n losses."),
    Choice("y_hat has shape (n, 1)", correct=True),
    Choice(
        "(n,) - (n, 1) broadcasts to (n, n)",
        correct=True,
        why="Broadcasting pairs every row with every column.",
    ),
)


def test_multi_choice_is_right_only_for_the_exact_set_of_correct_choices():
    assert MULTI.multiple
    assert grade(MULTI, [0, 2, 3]).correct
    assert grade(MULTI, [3, 0, 2]).correct  # order does not matter
    assert grade(MULTI, [0, 2, 3, 3]).correct  # nor a repeated index
    assert not grade(MULTI, [0, 2]).correct  # a correct one missing
    assert not grade(MULTI, [0, 1, 2, 3]).correct  # a wrong one added
    assert not grade(MULTI, [1]).correct
    assert grade(MULTI, [0]).valid  # one pick is a valid (wrong) answer when several are right


def test_a_wrong_multi_answer_marks_each_pick_and_names_the_options_missed():
    verdict = grade(MULTI, [3, 1])
    # each line is about one named option: a right pick in a wrong answer says it was right
    assert [(n.text, n.mark) for n in verdict.picks] == [
        ("loss is a scalar", PICKED_WRONG),
        ("(n,) - (n, 1) broadcasts to (n, n)", PICKED_RIGHT),
    ]
    assert verdict.missed == (
        OptionNote(0, "y has shape (n,)", MISSED, "labels is a column, y_hat too?"),
        OptionNote(2, "y_hat has shape (n, 1)", MISSED, ""),
    )
    assert not verdict.revealed  # so the front ends keep `missed` for after the second try
    assert grade(MULTI, [3, 1], earlier_wrong=1).revealed
    # a wrong pick on top of every right one: nothing missed, the wrong pick is named
    extra = grade(MULTI, [0, 1, 2, 3])
    assert extra.missed == () and ("loss is a scalar", PICKED_WRONG) in [
        (n.text, n.mark) for n in extra.picks
    ]
    assert grade(MULTI, [0, 2, 3]).missed == ()


def test_notes_follow_the_order_the_options_were_shown_in():
    order = (3, 1, 0, 2)
    verdict = grade(MULTI, [1, 3], order=order)
    assert [n.index for n in verdict.picks] == [3, 1]
    assert [n.index for n in verdict.missed] == [0, 2]


def test_the_answer_is_told_after_the_second_wrong_attempt_or_a_right_one():
    quiz = number_quiz(40)
    assert not grade(quiz, "41").revealed
    assert grade(quiz, "41", earlier_wrong=1).revealed
    assert grade(quiz, "40").revealed
    assert grade(quiz, "40", earlier_wrong=5).revealed
    assert not grade(quiz, "forty", earlier_wrong=5).revealed  # not graded, nothing told


def test_has_hint():
    assert not has_hint(SINGLE)
    hinted = choice_quiz(Choice("a", correct=True), Choice("b"))
    hinted.hint = "Think."
    assert has_hint(hinted)


# ---- the order of the options ------------------------------------------------------------------

SEVEN = choice_quiz(*[Choice(f"option {i}", correct=i == 0) for i in range(7)])


def test_each_learner_sees_one_order_every_time_and_learners_differ():
    orders = {seed: option_order(SEVEN, seed) for seed in range(200)}
    for seed, order in orders.items():
        assert sorted(order) == list(range(7))
        assert option_order(SEVEN, seed) == order  # the same learner, the same order
    assert len(set(orders.values())) > 150  # 5040 orders; learners rarely share one
    # the right option (index 0) is not always first: about one learner in seven sees it there
    first = sum(order[0] == 0 for order in orders.values())
    assert 10 <= first <= 55


def test_the_order_depends_on_the_quiz_not_only_the_learner():
    other = choice_quiz(*[Choice(f"option {i}", correct=i == 0) for i in range(7)])
    other.id = "another"
    differs = sum(option_order(SEVEN, s) != option_order(other, s) for s in range(50))
    assert differs > 40


def test_shuffle_false_keeps_the_authors_order():
    fixed = choice_quiz(*[Choice(f"option {i}", correct=i == 0) for i in range(7)])
    fixed.shuffle = False
    assert {option_order(fixed, seed) for seed in range(50)} == {tuple(range(7))}


# ---- number ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["40", " 40 ", "40.0", "4e1", "4E+1", "+40", "400/10", "4000%", "４０", "\t40\n"]
)
def test_number_forms_that_mean_forty(typed):
    verdict = grade(number_quiz(40), typed)
    assert verdict.valid and verdict.correct, typed


@pytest.mark.parametrize(
    "typed",
    ["0.625", ".625", "5/8", "5 / 8", "62.5%", "6.25e-1", "10/16", "０．６２５", "５／８"],
)
def test_number_forms_that_mean_five_eighths(typed):
    assert grade(number_quiz(0.625), typed).correct, typed


@pytest.mark.parametrize(
    "typed, value",
    [("-3", -3.0), ("\u22123", -3.0), ("-5/8", -0.625), ("5.", 5.0), ("1e-400", 0.0),
     ("٤٠", 40.0)],
)
def test_parse_number_reads_signs_and_edge_forms(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize(
    "typed",
    ["nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1e309", "1" * 400, "1e308/1e-308",
     "1/0", "0/0", "abc", "40 samples", "1,000", "0,5", "0x10", "1_000", "4e", "e4", ".", "-",
     "5/", "/8", "1/2/3", "%", "2**3", "40!"],
)
def test_what_is_not_a_number_is_an_invalid_answer_not_a_wrong_one(typed):
    verdict = grade(number_quiz(40), typed)
    assert (verdict.valid, verdict.correct, verdict.problem) == (False, False, "not_a_number")
    assert verdict.explain == ""


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_an_empty_number_answer_asks_for_one(typed):
    verdict = grade(number_quiz(40), typed)
    assert (verdict.valid, verdict.problem) == (False, "empty")


def test_number_tolerance_is_absolute():
    quiz = number_quiz(3.3, tolerance=0.05)
    assert grade(quiz, "3.34").correct
    assert grade(quiz, "3.26").correct
    assert not grade(quiz, "3.36").correct
    assert not grade(quiz, "-3.3").correct
    verdict = grade(quiz, "3.4")
    assert verdict.valid and not verdict.correct and verdict.explain == "Count."


def test_without_tolerance_only_float_noise_is_forgiven():
    assert grade(number_quiz(0.3), repr(0.1 + 0.2)).correct  # 0.30000000000000004
    assert grade(number_quiz(0.3), "3/10").correct
    # an author's answer computed in floats: 1e6 * (0.1 + 0.2) == 300000.00000000006
    assert grade(number_quiz(1e6 * (0.1 + 0.2)), "300000").correct
    assert not grade(number_quiz(1e6 * (0.1 + 0.2)), "300000.001").correct
    assert not grade(number_quiz(0.625), "0.62").correct
    assert not grade(number_quiz(0.625), "0.6251").correct
    assert not grade(number_quiz(16), "15").correct
    assert grade(number_quiz(0), "0").correct and grade(number_quiz(0), "-0").correct
    assert not grade(number_quiz(0), "0.001").correct


def test_a_number_answer_may_be_given_as_a_number():
    assert grade(number_quiz(16), 16).correct
    assert grade(number_quiz(0.625), 0.625).correct
    assert grade(number_quiz(16), math.inf).problem == "not_a_number"
    assert grade(number_quiz(16), 10**400).problem == "not_a_number"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_parse_number_never_raises_and_never_returns_a_non_finite_value(text):
    value = parse_number(text)
    assert value is None or math.isfinite(value)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_as_python_prints_it_reads_back_exactly(x):
    assert parse_number(repr(x)) == x


# ---- text --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["create_graph=True", "CREATE_GRAPH=true", "  create_graph=True  ", "`create_graph=True`",
     "create_graph=True.", "\"create_graph=True\"", "“create_graph=True”！",
     "ｃｒｅａｔｅ_ｇｒａｐｈ=True"],
)
def test_text_accept_ignores_case_spaces_quotes_and_trailing_punctuation(typed):
    assert grade(text_quiz(["create_graph=True"]), typed).correct, typed


def test_text_accept_collapses_whitespace_inside_but_keeps_words_apart():
    quiz = text_quiz(["learning rate"])
    assert grade(quiz, "learning\t  rate").correct
    assert grade(quiz, "Learning\nRate").correct
    assert not grade(quiz, "learningrate").correct
    assert not grade(quiz, "learning rates").correct


def test_text_accept_works_for_chinese():
    quiz = text_quiz(["学习率", "步长"])
    assert grade(quiz, "学习率").correct
    assert grade(quiz, " 学习率。").correct
    assert grade(quiz, "「步长」").correct
    assert grade(quiz, "《学习率》，").correct
    assert not grade(quiz, "学习").correct
    assert not grade(quiz, "损失").correct


def test_brackets_are_dropped_only_when_they_wrap_the_whole_answer():
    shape = text_quiz(["(n, 1)"])
    assert grade(shape, "(n, 1)").correct and grade(shape, "n, 1").correct
    call = text_quiz(["y.reshape(y_hat.shape)"])
    assert grade(call, "`y.reshape(y_hat.shape)`").correct
    assert not grade(call, "y.reshape(y_hat.shape").correct  # a missing bracket is a mistake
    assert normalize_text("()") == "()" and not grade(text_quiz(["()"]), "[]").correct


def test_a_leading_sign_or_dot_is_part_of_the_answer():
    assert not grade(text_quiz(["-1"]), "1").correct
    assert not grade(text_quiz([".T"]), "T").correct
    assert grade(text_quiz([".T"]), ".t").correct


def test_text_pattern_must_match_the_whole_answer_case_insensitively():
    quiz = text_quiz(pattern=r"(y\.)?reshape\(.*\)")
    assert grade(quiz, "reshape(y_hat.shape)").correct
    assert grade(quiz, "Y.RESHAPE(-1, 1)").correct
    assert grade(quiz, "`y.reshape(y_hat.shape)`.").correct
    assert not grade(quiz, "call reshape(y_hat.shape) first").correct
    assert not grade(quiz, "view(-1, 1)").correct


def test_text_pattern_works_for_chinese_and_with_accept():
    quiz = text_quiz(["create_graph"], pattern=r"(创建|create)[_ ]?graph")
    assert grade(quiz, "创建graph").correct
    assert grade(quiz, "create graph").correct
    assert grade(quiz, "create_graph").correct
    assert not grade(quiz, "retain_graph").correct


def test_an_empty_text_answer_asks_for_one():
    for typed in ("", "  \n", None):
        verdict = grade(text_quiz(["x"]), typed)
        assert (verdict.valid, verdict.problem, verdict.explain) == (False, "empty", "")
    wrong = grade(text_quiz(["x"]), "y")
    assert wrong.valid and not wrong.correct and wrong.explain == "So."


def test_an_unknown_quiz_type_is_an_error():
    with pytest.raises(ValueError):
        grade(Quiz("z", "essay", "Write", HERE), "text")


def test_spaces_beside_punctuation_do_not_matter_but_spaces_between_words_do():
    shape = text_quiz(["(10, 10)"])
    for typed in ("(10,10)", "[10,10]", "( 10 , 10 )", "10,10", "（10，10）"):
        assert grade(shape, typed).correct, typed
    assert grade(text_quiz(["create_graph=True"]), "create_graph = True").correct
    assert not grade(text_quiz(["learning rate"]), "learningrate").correct
    assert not grade(shape, "(1010)").correct


def test_the_order_is_the_same_in_another_process_whatever_its_hash_seed():
    # str hashes are salted per process: an order built on hash() would change at every start
    code = (
        "from pathlib import Path\n"
        "from tutor.content.model import Choice, Quiz, Where\n"
        "from tutor.quiz import option_order\n"
        "q = Quiz('q', 'choice', 'Which?', Where(Path('x.md')),"
        " choices=[Choice(f'o{i}', correct=i == 0) for i in range(7)])\n"
        "print([option_order(q, seed) for seed in range(20)])\n"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed}).stdout
        for hash_seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert outputs.pop().strip() == str([option_order(SEVEN, seed) for seed in range(20)])
