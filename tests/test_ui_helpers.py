"""The pure parts of the UI: plots, the learner-vs-core comparison, inline Markdown, facts."""

import math

from tutor.facts import format_value
from tutor.kernel.protocol import Curve, ExperimentResult, RunSummary
from tutor.ui.widgets.experiment import compare_text, first_difference
from tutor.ui.widgets.loss_plot import drawn_points, ring, thin


def curve(ys, run="core"):
    steps = list(range(1, len(ys) + 1))
    return Curve(run, steps, ys, run=run, steps=steps, name="loss")


def test_first_difference_names_the_step_where_the_learner_departs():
    assert first_difference(curve([3.0, 2.0, 1.0]), curve([3.0, 2.0, 1.0])) is None
    assert first_difference(curve([3.0, 2.0, 1.0]), curve([3.0, 2.5, 1.0])) == 2
    assert first_difference(curve([3.0, 2.0, 1.0]), curve([3.0, 2.0])) == 3  # the learner's run stopped early


def test_compare_text_in_both_languages():
    runs = [RunSummary("core", {}, {}), RunSummary("yours", {}, {}, impl="yours")]
    result = ExperimentResult("train", [curve([1.0, 0.5]), curve([1.0, 0.7], "yours")], runs)
    assert "step 2" in compare_text(result, "en").plain
    assert "第 2 步" in compare_text(result, "zh").plain


def test_thinning_keeps_the_first_and_last_points_and_bounds_the_count():
    xs = list(range(10_000))
    tx, ty = thin(xs, xs, limit=400)
    assert len(tx) <= 401 and tx[0] == 0 and tx[-1] == 9_999 and tx == ty


def test_a_diverged_run_ends_its_log_curve_instead_of_breaking_the_plot():
    assert drawn_points([1, 2, 3, 4], [100.0, 10.0, None, float("inf")], log_y=True) == [(1, 2.0), (2, 1.0)]


def test_rings_are_the_level_sets_of_the_quadratic_loss():
    center, hessian = [2.0, -3.4], [[1.0, 0.3], [0.3, 2.0]]
    for x, y in zip(*ring(center, hessian, 0.5)):
        d = (x - center[0], y - center[1])
        value = 0.5 * (hessian[0][0] * d[0] ** 2 + 2 * hessian[0][1] * d[0] * d[1] + hessian[1][1] * d[1] ** 2)
        assert math.isclose(value, 0.5, rel_tol=1e-9)


def test_facts_are_shown_for_people():
    assert format_value(0.000046271) == "4.627e-05"
    assert format_value([2.0001, -3.4]) == "[2, -3.4]"
    assert format_value(None) == "—"


def test_hints_and_explanations_lose_their_markdown_markers():
    from tutor.ui.widgets.inline import inline_markdown

    text = inline_markdown("use `create_graph=True`, **not** only `retain_graph`")
    assert text.plain == "use create_graph=True, not only retain_graph"
    assert any(span.style == "bold" and text.plain[span.start : span.end] == "create_graph=True" for span in text.spans)
