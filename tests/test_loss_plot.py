"""What the loss plot draws: the converging curves' scale, diverging ones marked, single points
seen, axes the right way up, and the key beside the data, never over it."""

from __future__ import annotations

import math
import re

from textual.app import App, ComposeResult

from tutor.scratch.exercises import EXPERIMENTS
from tutor.ui.widgets.loss_plot import LossPlot, PathPlot, layout, loss_ticks


def curves_of(result: dict) -> dict[str, tuple[list, list]]:
    return {label: (c["x"], c["y"]) for label, c in result["curves"].items()}


def y_labels(rendered: str) -> list[float]:
    """The y axis' tick labels, top to bottom, as numbers."""
    labels = []
    for line in rendered.splitlines():
        match = re.match(r"\s*([-+0-9.e]+)┤", line)
        if match:
            labels.append(float(match.group(1)))
    return labels


class PlotApp(App[None]):
    def __init__(self, plot: LossPlot | PathPlot) -> None:
        super().__init__()
        self.plot = plot

    def compose(self) -> ComposeResult:
        yield self.plot


def test_a_diverging_rate_keeps_the_scale_of_the_converging_ones_and_is_marked_where_it_leaves():
    result = EXPERIMENTS["learning_rates"](lrs=[0.03, 0.3, 3.0], num_epochs=1)
    series = curves_of(result)
    diverged = {label: step for label, step in result["diverged"].items() if step}
    assert set(diverged) == {"lr=3"}
    drawn = layout(series, diverged, log_y=True)
    converging = [math.log10(y) for label in ("lr=0.03", "lr=0.3") for y in series[label][1]]
    lo, hi = drawn.y_range
    assert lo <= min(converging) and hi <= max(converging) + 0.05 * (max(converging) - min(converging)) + 1e-9
    blown = next(t for t in drawn.traces if t.label == "lr=3")
    assert max(blown.ys) <= hi and blown.left_at is not None  # clipped at the top, where it leaves
    marks = {m.kind: m for m in drawn.marks}
    assert marks["leaves"].x == blown.left_at and marks["diverged"].x == series["lr=3"][0][-1]


def test_one_point_is_a_range_the_right_way_up():
    drawn = layout({"loss": ([1], [0.346])}, {}, log_y=True)
    lo, hi = drawn.y_range
    assert lo < math.log10(0.346) < hi and drawn.x_range[0] < 1 < drawn.x_range[1]


async def test_a_single_point_is_drawn_visibly_with_its_axis_increasing_upwards():
    result = EXPERIMENTS["planck"](steps=1)  # one gradient step: a curve of one point
    assert len(result["curves"]["loss"]["y"]) == 1
    plot = LossPlot()
    async with PlotApp(plot).run_test(size=(80, 24)) as pilot:
        plot.show_series(curves_of(result))
        await pilot.pause()
        rendered = plot.render().plain
        assert "●" in rendered
        labels = y_labels(rendered)
        assert len(labels) >= 2 and labels == sorted(labels, reverse=True)


async def test_curve_labels_never_sit_inside_the_plot_they_are_in_the_key():
    result = EXPERIMENTS["learning_rates"](lrs=[0.03, 0.3, 1.0], num_epochs=1)
    plot = LossPlot()
    async with PlotApp(plot).run_test(size=(80, 24)) as pilot:
        plot.show_series(curves_of(result))
        await pilot.pause()
        rendered = plot.render().plain
        assert "lr=" not in rendered
        assert [label for label, _ in plot.key()] == ["lr=0.03", "lr=0.3", "lr=1"]


async def test_without_colour_curves_differ_by_marker_and_the_key_shows_it():
    plot = LossPlot(plain=True)
    async with PlotApp(plot).run_test(size=(80, 24)) as pilot:
        plot.show_series({"a": ([1, 2, 3, 4], [1.0, 0.5, 0.2, 0.1]), "b": ([1, 2, 3, 4], [2.0, 1.0, 0.4, 0.3])})
        await pilot.pause()
        rendered = plot.render().plain
        markers = [style.marker for _, style in plot.key()]
        assert markers == ["*", "+"] and all(m in rendered for m in markers)
        assert all(style.color is None for _, style in plot.key())


def test_log_ticks_are_labelled_with_the_loss_itself():
    ticks, labels = loss_ticks(-4.3, 1.2)
    assert labels == ["1e-4", "1e-3", "1e-2", "1e-1", "1", "10"] and ticks == [-4, -3, -2, -1, 0, 1]
    ticks, labels = loss_ticks(-0.6, -0.3)  # less than a decade: the values in between
    assert len(ticks) == 4 and labels[0] == f"{10 ** -0.6:.2g}"


async def test_the_marks_of_a_diverging_curve_are_drawn_on_its_curve():
    result = EXPERIMENTS["learning_rates"](lrs=[0.03, 3.0], num_epochs=1)
    for plain, (leaves, diverged) in ((False, ("↑", "✗")), (True, ("^", "X"))):
        plot = LossPlot(plain=plain)
        async with PlotApp(plot).run_test(size=(80, 24)) as pilot:
            plot.show_series(curves_of(result))
            plot.mark_diverged({"lr=3": result["diverged"]["lr=3"]})
            await pilot.pause()
            rendered = plot.render().plain
            assert leaves in rendered and diverged in rendered, rendered


async def test_axis_names_are_in_the_learners_language():
    plot = LossPlot(lang="zh", xlabel="examples seen", ylabel="minibatch loss")
    async with PlotApp(plot).run_test(size=(80, 24)) as pilot:
        plot.show_series({"loss": ([10, 20, 30, 40], [1.0, 0.5, 0.2, 0.1])})
        await pilot.pause()
        rendered = plot.render().plain
        assert "已看过的样本数" in rendered and "小批量损失（对数刻度）" in rendered and "examples" not in rendered


def test_x_ticks_fall_on_round_numbers():
    from tutor.ui.widgets.loss_plot import round_ticks

    assert round_ticks(1, 300)[1] == ["50", "100", "150", "200", "250", "300"]
    assert round_ticks(0.5, 1.5)[1] == ["0.6", "0.8", "1", "1.2", "1.4"]
    assert round_ticks(10, 3000)[0] == [500, 1000, 1500, 2000, 2500, 3000]


def test_planck_at_lr_50_diverging_after_one_step_is_a_visible_point_marked_diverged():
    result = EXPERIMENTS["planck"](T=1000.0, lr=50.0, steps=50)  # issue 10: drawn as nothing, axis upside down
    diverged = {label: step for label, step in result["diverged"].items() if step}
    drawn = layout(curves_of(result), diverged, log_y=True)
    (trace,) = drawn.traces
    assert len(trace.xs) == 1 and trace.few
    lo, hi = drawn.y_range
    assert lo < trace.ys[0] < hi
    assert [m.kind for m in drawn.marks] == ["diverged"]
