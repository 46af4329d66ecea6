"""Facts for people: estimates to the precision of their errors, one sign for every error, runs apart."""

from __future__ import annotations

from tutor.facts import fact_lines, format_value
from tutor.kernel.protocol import ExperimentResult, RunSummary
from tutor.scratch.exercises import EXPERIMENTS


def shown(lines: list[str], name: str) -> str:
    return next(line.split(" = ", 1)[1] for line in lines if line.strip().startswith(f"{name} = "))


def test_w_hat_is_shown_as_precisely_as_w_error_needs_so_the_two_agree_on_screen():
    facts = EXPERIMENTS["train"](seed=0)["facts"]
    lines = fact_lines(ExperimentResult("train", [], [RunSummary("", {}, facts)]), "en")
    w_hat = [float(v) for v in shown(lines, "w_hat").strip("[]").split(", ")]
    assert shown(lines, "w_hat") != "[2, -3.4]"  # what 4 significant digits showed
    for value, error, true in zip(w_hat, facts["w_error"], [2.0, -3.4]):
        assert abs((value - true) - error) < abs(error) / 5  # learned - true, read off the screen
    assert lines[-1] == "errors are learned − true" and lines.count(lines[-1]) == 1


def test_an_estimate_with_a_percent_error_gets_the_places_the_percent_implies():
    facts = EXPERIMENTS["ohm"](seed=0, num_epochs=1)["facts"]
    lines = fact_lines(ExperimentResult("ohm", [], [RunSummary("", {}, facts)]), "zh")
    R_hat = float(shown(lines, "R_hat"))
    assert abs(100 * (R_hat - 3.3) / 3.3 - facts["R_error_pct"]) < abs(facts["R_error_pct"]) / 5
    assert lines[-1] == "误差均为 学到的值 − 真实值"


def test_several_runs_keep_their_facts_under_their_labels():
    runs = [RunSummary("core", {}, {"final_loss": 1.0}), RunSummary("yours", {}, {"final_loss": None})]
    assert fact_lines(ExperimentResult("train", [], runs), "en") == [
        "core:", "  final_loss = 1", "yours:", "  final_loss = —"]
    assert format_value("\x1b[2J") == "\\x1b[2J"  # a string from the kernel never reaches the terminal raw
