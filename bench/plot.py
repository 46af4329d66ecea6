"""How long the loss plot takes to draw a long sweep, thinned to its width against every point.

    .venv/bin/python bench/plot.py

A learning-rate sweep of 7 rates x 10 epochs (about 6000 points, one rate diverged) is drawn by
LossPlot at 80x24 in a headless app, interleaved with the same plot asked to draw every point;
the best of several renders of each counts. The ratio is what thinning to the plot's width saves
on every redraw while points stream in (about ten a second).
"""

from __future__ import annotations

import asyncio
import time

from textual.app import App, ComposeResult

from tutor.scratch.exercises import EXPERIMENTS
from tutor.ui.widgets import loss_plot
from tutor.ui.widgets.loss_plot import LossPlot

ROUNDS = 5


class PlotApp(App[None]):
    def __init__(self, plot: LossPlot) -> None:
        super().__init__()
        self.plot = plot

    def compose(self) -> ComposeResult:
        yield self.plot


def best_render(plot: LossPlot, every_point: bool) -> float:
    saved = (loss_plot.MAX_DRAWN_POINTS, loss_plot.DOTS_PER_CELL)
    if every_point:
        loss_plot.MAX_DRAWN_POINTS = loss_plot.DOTS_PER_CELL = 10**9
    try:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            plot.render()
            times.append(time.perf_counter() - started)
        return min(times)
    finally:
        loss_plot.MAX_DRAWN_POINTS, loss_plot.DOTS_PER_CELL = saved


async def main() -> None:
    result = EXPERIMENTS["learning_rates"](num_epochs=10)
    series = {label: (c["x"], c["y"]) for label, c in result["curves"].items()}
    plot = LossPlot()
    async with PlotApp(plot).run_test(size=(80, 24)) as pilot:
        plot.show_series(series)
        plot.mark_diverged({label: step for label, step in result["diverged"].items() if step})
        await pilot.pause()
        thinned, full = [], []
        for _ in range(ROUNDS):
            thinned.append(best_render(plot, every_point=False))
            full.append(best_render(plot, every_point=True))
        size = plot.size
    points = sum(len(xs) for xs, _ in series.values())
    print(f"{len(series)} curves, {points} points, plot {size.width}x{size.height}, best of {ROUNDS * 3}")
    print(f"thinned to the width: {min(thinned) * 1000:7.1f} ms per render")
    print(f"every point         : {min(full) * 1000:7.1f} ms per render")
    print(f"ratio thinned/every : {min(thinned) / min(full):.2f}")


if __name__ == "__main__":
    asyncio.run(main())
