"""Live plots of an experiment: loss curves, and SGD's (w1, w2) path over the loss surface.

Both draw with plotext through textual-plotext. The series are kept exactly as the kernel sent
them (tests compare them with the core's History); only what is drawn is thinned, so a long run
costs the terminal no more than the plot's width. Loss is drawn as log10(loss) on a linear axis:
plotext's own log axis is known to fail on resize and cannot show a diverged (inf) point anyway.
"""

from __future__ import annotations

import math
import os

from textual_plotext import PlotextPlot

# Enough points per curve for the widest plot; more only costs drawing time.
MAX_DRAWN_POINTS = 400
COLORS = ["blue", "red", "green", "orange", "magenta", "cyan", "yellow", "gray"]
# Without colour, curves must differ by their marker alone.
PLAIN_MARKERS = ["*", "+", "o", "x", "#", "@", "%", "="]


def plain_terminal() -> bool:
    """No colour to tell curves apart (NO_COLOR), or a console font without braille (TERM=linux)."""
    return bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM", "") == "linux"


def thin(xs: list[float], ys: list[float], limit: int = MAX_DRAWN_POINTS) -> tuple[list, list]:
    """Every k-th point so at most about `limit` remain; the last point is always kept."""
    if len(xs) <= limit:
        return xs, ys
    stride = math.ceil(len(xs) / limit)
    keep = list(range(0, len(xs), stride))
    if keep[-1] != len(xs) - 1:
        keep.append(len(xs) - 1)
    return [xs[i] for i in keep], [ys[i] for i in keep]


def log10_points(xs: list[float], ys: list) -> tuple[list[float], list[float]]:
    """(x, log10 y) for the finite, positive points; a diverged run simply ends its curve."""
    out_x, out_y = [], []
    for x, y in zip(xs, ys):
        if y is None or not math.isfinite(y):
            continue
        out_x.append(x)
        out_y.append(math.log10(max(y, 1e-12)))
    return out_x, out_y


class _StyledPlot(PlotextPlot):
    """Colour and marker per curve, chosen for the terminal at hand."""

    def _style(self, index: int) -> dict:
        if plain_terminal():
            return {"marker": PLAIN_MARKERS[index % len(PLAIN_MARKERS)]}
        return {"marker": "braille", "color": COLORS[index % len(COLORS)]}


class LossPlot(_StyledPlot):
    """Curves that grow as points stream in; one per label."""

    DEFAULT_CSS = """
    LossPlot { height: 14; width: 1fr; }
    """

    def __init__(self, *, log_y: bool = True, xlabel: str = "step", ylabel: str = "loss", **kwargs):
        super().__init__(**kwargs)
        self.series: dict[str, tuple[list[float], list]] = {}
        self.diverged: dict[str, int] = {}
        self.log_y = log_y
        self.xlabel = xlabel
        self.ylabel = ylabel

    def reset(self, *, log_y: bool | None = None, xlabel: str | None = None, ylabel: str | None = None):
        self.series = {}
        self.diverged = {}
        if log_y is not None:
            self.log_y = log_y
        if xlabel is not None:
            self.xlabel = xlabel
        if ylabel is not None:
            self.ylabel = ylabel
        self.refresh()

    def add_points(self, series: dict[str, list]) -> None:
        """Append streamed [x, y] points; redrawn on the next frame (at most ~10 batches a second)."""
        for label, points in series.items():
            xs, ys = self.series.setdefault(label, ([], []))
            for x, y in points:
                xs.append(x)
                ys.append(y)
        self.refresh()

    def set_curves(self, curves: dict[str, dict]) -> None:
        """Replace everything with a finished result's curves (e.g. restored after a restart)."""
        self.series = {label: (list(c["x"]), list(c["y"])) for label, c in curves.items()}
        self.refresh()

    def mark_diverged(self, label: str, step: int) -> None:
        self.diverged[label] = step
        self.refresh()

    def render(self):
        plt = self.plt
        plt.clear_figure()
        plt.xlabel(self.xlabel)
        plt.ylabel(f"log10 {self.ylabel}" if self.log_y else self.ylabel)
        for index, (label, (xs, ys)) in enumerate(self.series.items()):
            if self.log_y:
                px, py = log10_points(xs, ys)
            else:
                px, py = [], []
                for x, y in zip(xs, ys):
                    if y is not None and math.isfinite(y):
                        px.append(x)
                        py.append(y)
            px, py = thin(px, py)
            if not px:
                continue
            name = label if label not in self.diverged else f"{label} ✗{self.diverged[label]}"
            plt.plot(px, py, label=name, **self._style(index))
        return super().render()


def ring(center, hessian, level: float, n: int = 72) -> tuple[list[float], list[float]]:
    """Points of {w : 1/2 (w - c)^T H (w - c) = level}, an ellipse, from H's eigen-decomposition."""
    (a, b), (_, c) = hessian
    mean, diff = (a + c) / 2, math.hypot((a - c) / 2, b)
    eigenvalues = (mean + diff, mean - diff)
    angle = 0.5 * math.atan2(2 * b, a - c)  # direction of the first eigenvector
    u = (math.cos(angle), math.sin(angle))
    v = (-u[1], u[0])
    r1, r2 = (math.sqrt(2 * level / max(e, 1e-12)) for e in eigenvalues)
    xs, ys = [], []
    for k in range(n + 1):
        t = 2 * math.pi * k / n
        p, q = r1 * math.cos(t), r2 * math.sin(t)
        xs.append(center[0] + p * u[0] + q * v[0])
        ys.append(center[1] + p * u[1] + q * v[1])
    return xs, ys


class PathPlot(_StyledPlot):
    """SGD's (w1, w2) after every step, over rings of equal loss around the optimum."""

    DEFAULT_CSS = """
    PathPlot { height: 14; width: 1fr; }
    """

    # Rings at these heights above the minimum loss, so zig-zag and overshoot are visible.
    LEVELS = (0.05, 0.5, 2.0, 8.0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.paths: dict[str, list[list[float]]] = {}
        self.surface: dict | None = None

    def show_result(self, paths: dict[str, list], surface: dict | None) -> None:
        self.paths = paths
        self.surface = surface
        self.refresh()

    def _window(self) -> tuple[float, float, float, float]:
        """The outer ring and the start (0, 0), with a margin; a diverging path is clipped to it."""
        assert self.surface is not None
        xs, ys = ring(self.surface["center"], self.surface["hessian"], self.LEVELS[-1])
        xs, ys = xs + [0.0], ys + [0.0]
        pad_x, pad_y = 0.1 * (max(xs) - min(xs)), 0.1 * (max(ys) - min(ys))
        return min(xs) - pad_x, max(xs) + pad_x, min(ys) - pad_y, max(ys) + pad_y

    def render(self):
        plt = self.plt
        plt.clear_figure()
        plt.xlabel("w1")
        plt.ylabel("w2")
        if self.surface:
            x0, x1, y0, y1 = self._window()
            plt.xlim(x0, x1)
            plt.ylim(y0, y1)
            for level in self.LEVELS:
                rx, ry = ring(self.surface["center"], self.surface["hessian"], level)
                plt.plot(rx, ry, marker="·" if not plain_terminal() else ".", color="gray")
            for index, (label, points) in enumerate(self.paths.items()):
                inside = [
                    (p[0], p[1])
                    for p in points
                    if p[0] is not None and p[1] is not None and x0 <= p[0] <= x1 and y0 <= p[1] <= y1
                ]
                if inside:
                    px, py = thin([p[0] for p in inside], [p[1] for p in inside])
                    plt.plot(px, py, label=label, **self._style(index))
        return super().render()
