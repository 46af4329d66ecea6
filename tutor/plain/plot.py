"""An experiment's curves as a plotext text plot, for plain mode's output.

Drawn as the app draws them: log10(loss) on a linear axis when the result says log_y (a diverged
run's last finite points still show), one line per curve with its label. Without colour the
plot is stripped of every ANSI code plotext writes, so a pipe or NO_COLOR gets plain text.
"""

from __future__ import annotations

import math

import plotext

from tutor.i18n import t
from tutor.kernel.protocol import ExperimentResult

HEIGHT = 16


def plot_lines(result: ExperimentResult, width: int, color: bool, lang: str) -> list[str]:
    """The plot as lines of text, or [] when no curve has a point to draw."""
    plotext.clear_figure()
    plotext.plot_size(max(40, min(width, 100)), HEIGHT)
    plotext.theme("pro" if color else "clear")
    drawn = False
    for curve in result.curves:
        points = [(x, y) for x, y in zip(curve.x, curve.y) if y is not None and math.isfinite(y)]
        if result.log_y:
            points = [(x, math.log10(y)) for x, y in points if y > 0]
        if points:
            xs, ys = zip(*points)
            plotext.plot(list(xs), list(ys), label=curve.label)
            drawn = True
    if not drawn:
        return []
    plotext.xlabel(result.xlabel)
    plotext.ylabel(t("exp.log_loss", lang) if result.log_y else result.ylabel)
    text = plotext.build()
    if not color:
        text = plotext.uncolorize(text)
    return text.rstrip("\n").split("\n")
