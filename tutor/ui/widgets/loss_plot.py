"""Live plots of an experiment: loss curves, and SGD's (w1, w2) path over the loss surface.

Both draw with plotext through textual-plotext. The series are kept exactly as the kernel sent
them (tests compare them with the core's History); only what is drawn is thinned, so a long run
costs the terminal no more than the plot's width. Loss is drawn as log10(loss) on a linear axis,
its ticks labelled with the loss itself: plotext's own log axis is known to fail on resize and
cannot show a diverged (inf) point anyway.

What is drawn is decided by `layout()`, a pure function, so that the rules hold by test:
- the y range is that of the curves that converge; a diverging curve is drawn until it leaves the
  range, marked there (↑) and at its divergence step (✗), instead of squashing the others into two
  rows;
- the range is never empty or upside down, and a curve of one to three points is drawn as points;
- nothing is drawn over the data: the key (which colour is which curve) is a line of its own
  under the plot (`PlotKey`), not plotext's legend, which sits inside the plot area.
The colour mode comes from the settings the panel passes down (`plain`: NO_COLOR or TERM=linux),
where curves differ by marker alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import RenderResult
from textual.widgets import Static
from textual_plotext import PlotextPlot

from tutor.i18n import STRINGS, t

# Enough points per curve for the widest plot; more only costs drawing time (plotext's build is most
# of a render). A braille cell holds two columns of dots, so twice the plot's width is all it shows.
MAX_DRAWN_POINTS = 400
DOTS_PER_CELL = 2
COLORS = ["blue", "red", "green", "orange", "magenta", "cyan", "yellow", "gray"]
# Rich's names for the same colours, for the key under the plot.
KEY_COLORS = {"orange": "dark_orange", "gray": "grey62"}
# Without colour, curves must differ by their marker alone.
PLAIN_MARKERS = ["*", "+", "o", "x", "#", "@", "%", "="]
FEW_POINTS = 3  # a curve this short is drawn as visible points, not as a braille line
# Marks: where a diverging curve leaves the plot, and where it diverged.
LEAVES = ("↑", "^")  # (with colour, plain)
DIVERGED = ("✗", "X")
# log10 of the smallest loss drawn (a loss of exactly 0 has no logarithm).
LOG_FLOOR = -12.0


@dataclass(frozen=True)
class Style:
    marker: str
    color: str | None  # None: no colour (plain)


def style(index: int, plain: bool) -> Style:
    if plain:
        return Style(PLAIN_MARKERS[index % len(PLAIN_MARKERS)], None)
    return Style("braille", COLORS[index % len(COLORS)])


def thin(xs: list[float], ys: list[float], limit: int = MAX_DRAWN_POINTS) -> tuple[list[float], list[float]]:
    """Every k-th point so at most about `limit` remain; the last point is always kept."""
    if len(xs) <= limit:
        return xs, ys
    stride = math.ceil(len(xs) / limit)
    keep = list(range(0, len(xs), stride))
    if keep[-1] != len(xs) - 1:
        keep.append(len(xs) - 1)
    return [xs[i] for i in keep], [ys[i] for i in keep]


def drawn_points(xs: list[float], ys: list[Any], log_y: bool) -> list[tuple[float, float]]:
    """(x, y as drawn) for the finite points: log10 y (a loss is never below 0) on a log axis."""
    out = []
    for x, y in zip(xs, ys):
        if y is None or not math.isfinite(y):
            continue
        out.append((x, max(math.log10(y), LOG_FLOOR) if y > 0 else LOG_FLOOR) if log_y else (x, y))
    return out


def padded(lo: float, hi: float, log_y: bool) -> tuple[float, float]:
    """A range around [lo, hi] with a margin; never empty, never upside down."""
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        pad = 0.5 if log_y else max(abs(hi) * 0.1, 0.5)
    else:
        pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


@dataclass
class Trace:
    """One curve as drawn: its points inside the plot, and where it left it."""

    label: str
    index: int
    xs: list[float]
    ys: list[float]
    diverged_at: int | None = None
    left_at: float | None = None  # the x where a diverging curve leaves the y range
    few: bool = False  # so few points that a line through them would not be seen: draw points


@dataclass
class Mark:
    x: float
    y: float
    kind: str  # "leaves" or "diverged"
    index: int  # the curve's, for its colour


@dataclass
class Layout:
    traces: list[Trace] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    x_range: tuple[float, float] = (0.0, 1.0)
    y_range: tuple[float, float] = (0.0, 1.0)


def _clipped(points: list[tuple[float, float]], lo: float, hi: float) -> tuple[list[tuple[float, float]], float | None]:
    """The points up to where the curve leaves [lo, hi], that exit put on the edge; and its x."""
    kept: list[tuple[float, float]] = []
    for x, y in points:
        if not lo <= y <= hi:
            kept.append((x, min(max(y, lo), hi)))
            return kept, x
        kept.append((x, y))
    return kept, None


def layout(series: dict[str, tuple[list[float], list[Any]]], diverged: dict[str, int],
           log_y: bool, limit: int = MAX_DRAWN_POINTS) -> Layout:
    """What to draw: the y range of the converging curves, the diverging ones clipped to it."""
    points = {label: drawn_points(xs, ys, log_y) for label, (xs, ys) in series.items()}
    converging = [p for label, p in points.items() if label not in diverged and p]
    basis = converging or [p for p in points.values() if p]
    if not basis:
        return Layout()
    lo, hi = padded(min(y for p in basis for _, y in p), max(y for p in basis for _, y in p), log_y)
    result = Layout(y_range=(lo, hi))
    for index, (label, curve) in enumerate(points.items()):
        if not curve:
            continue
        step = diverged.get(label)
        kept, left_at = _clipped(curve, lo, hi) if step is not None else (curve, None)
        xs, ys = thin([x for x, _ in kept], [y for _, y in kept], limit)
        result.traces.append(Trace(label, index, xs, ys, step, left_at, few=len(curve) <= FEW_POINTS))
        if left_at is not None:
            edge = kept[-1][1]
            result.marks.append(Mark(left_at, edge, "leaves", index))
            result.marks.append(Mark(curve[-1][0], edge, "diverged", index))
        elif step is not None:
            result.marks.append(Mark(curve[-1][0], curve[-1][1], "diverged", index))
    xs_all = [x for trace in result.traces for x in trace.xs] + [m.x for m in result.marks]
    x_lo, x_hi = min(xs_all), max(xs_all)
    if x_hi - x_lo <= 1e-12 * max(1.0, abs(x_hi)):
        x_lo, x_hi = x_lo - max(abs(x_lo) * 0.5, 1.0), x_hi + max(abs(x_hi) * 0.5, 1.0)
    result.x_range = (x_lo, x_hi)
    return result


def loss_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    """Ticks of a log10 axis labelled with the loss itself: whole decades where two or more fit,
    else four evenly spaced values."""
    decades = list(range(math.ceil(lo), math.floor(hi) + 1))
    if len(decades) >= 2:
        if len(decades) > 6:  # at most about six labels on a 14-row plot
            every = math.ceil(len(decades) / 6)
            decades = decades[::every]
        return [float(d) for d in decades], [f"1e{d}" if d not in (0, 1) else str(10 ** d) for d in decades]
    ticks = [lo + (hi - lo) * k / 3 for k in range(4)]
    return ticks, [f"{10 ** v:.2g}" for v in ticks]


def round_ticks(lo: float, hi: float, most: int = 6) -> tuple[list[float], list[str]]:
    """Ticks at round numbers (1, 2 or 5 times a power of ten apart) inside [lo, hi]: step 100,
    not 75.8."""
    span = hi - lo
    if span <= 0:
        return [lo], [f"{lo:g}"]
    size = 10 ** math.floor(math.log10(span / most))
    gap = next(m * size for m in (1, 2, 5, 10) if span / (m * size) <= most)
    ticks = [k * gap for k in range(math.ceil(lo / gap), math.floor(hi / gap) + 1)]
    return ticks, [f"{tick:g}" for tick in ticks]


def key_line(entries: list[tuple[str, Style]]) -> Text:
    """The plot's key: each curve's marker in its colour, then its label; a long key wraps between
    entries, never inside one (no-break spaces), so a swatch stays with its label."""
    text = Text(overflow="fold")
    for label, entry in entries:
        if text:
            text.append("  ")
        swatch = "━━" if entry.color is not None else entry.marker * 2
        text.append(swatch, style=KEY_COLORS.get(entry.color or "", entry.color or ""))
        text.append("\u00a0" + label.replace(" ", "\u00a0"))
    return text


def axis_name(name: str, lang: str) -> str:
    """An axis name the experiments use, in the learner's language (any other as it is)."""
    key = f"plot.axis.{name}"
    return t(key, lang) if key in STRINGS else name


class PlotKey(Static):
    """The key under a plot: which marker or colour is which curve (never over the data)."""

    DEFAULT_CSS = """
    PlotKey { height: auto; width: 1fr; color: $text; }
    """


class _StyledPlot(PlotextPlot):
    """A plot with its colour mode and language given by its panel."""

    def __init__(self, *, plain: bool = False, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plain = plain
        self.lang = lang

    def _style(self, index: int) -> Style:
        return style(index, self.plain)

    def key(self) -> list[tuple[str, Style]]:
        """What the key under the plot shows."""
        raise NotImplementedError


class LossPlot(_StyledPlot):
    """Curves that grow as points stream in; one per label."""

    DEFAULT_CSS = """
    LossPlot { height: 14; width: 1fr; }
    """

    def __init__(self, *, log_y: bool = True, xlabel: str = "step", ylabel: str = "loss", **kwargs: Any):
        super().__init__(**kwargs)
        self.series: dict[str, tuple[list[float], list[Any]]] = {}
        self.diverged: dict[str, int] = {}
        self.log_y = log_y
        self.xlabel = xlabel
        self.ylabel = ylabel

    def reset(self, *, log_y: bool | None = None, xlabel: str | None = None, ylabel: str | None = None) -> None:
        self.series = {}
        self.diverged = {}
        if log_y is not None:
            self.log_y = log_y
        if xlabel is not None:
            self.xlabel = xlabel
        if ylabel is not None:
            self.ylabel = ylabel
        self.refresh()

    def show_series(self, series: dict[str, tuple[list[float], list[Any]]]) -> None:
        """Draw these curves (a run's points so far, or a finished result's), replacing any shown."""
        self.series = {label: (list(xs), list(ys)) for label, (xs, ys) in series.items()}
        self.refresh()

    def mark_diverged(self, diverged: dict[str, int]) -> None:
        self.diverged = dict(diverged)
        self.refresh()

    def key(self) -> list[tuple[str, Style]]:
        entries = []
        for index, label in enumerate(self.series):
            step = self.diverged.get(label)
            shown = label if step is None else f"{label} {t('plot.diverged_at', self.lang, step=step)}"
            entries.append((shown, self._style(index)))
        return entries

    def render(self) -> RenderResult:
        plt = self.plt
        plt.clear_figure()
        plt.xlabel(axis_name(self.xlabel, self.lang))
        ylabel = axis_name(self.ylabel, self.lang)
        plt.ylabel(t("plot.log_scale", self.lang, name=ylabel) if self.log_y else ylabel)
        limit = max(50, min(MAX_DRAWN_POINTS, DOTS_PER_CELL * self.size.width))
        drawn = layout(self.series, self.diverged, self.log_y, limit)
        if drawn.traces:
            plt.xlim(*drawn.x_range)
            plt.xticks(*round_ticks(*drawn.x_range))
            plt.ylim(*drawn.y_range)
            if self.log_y:
                plt.yticks(*loss_ticks(*drawn.y_range))
        for trace in drawn.traces:
            look = self._style(trace.index)
            if trace.few:
                marker = look.marker if self.plain else "●"
                plt.scatter(trace.xs, trace.ys, marker=marker, color=look.color)
            else:
                plt.plot(trace.xs, trace.ys, marker=look.marker, color=look.color)
        for mark in drawn.marks:
            symbols = LEAVES if mark.kind == "leaves" else DIVERGED
            plt.text(symbols[1] if self.plain else symbols[0], mark.x, mark.y,
                     color=self._style(mark.index).color)
        return super().render()


def ring(center: list[float], hessian: list[list[float]], level: float, n: int = 72) -> tuple[list[float], list[float]]:
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
        angle_k = 2 * math.pi * k / n
        p, q = r1 * math.cos(angle_k), r2 * math.sin(angle_k)
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

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.paths: dict[str, list[list[float]]] = {}
        self.surface: dict[str, Any] | None = None

    def show_result(self, paths: dict[str, list[list[float]]], surface: dict[str, Any] | None) -> None:
        self.paths = paths
        self.surface = surface
        self.refresh()

    def path_label(self, label: str) -> str:
        """A single run's path is "the path of (w1, w2)", not the name of its loss curve."""
        return t("plot.path", self.lang) if label == "loss" else label

    def key(self) -> list[tuple[str, Style]]:
        rings = Style("·" if not self.plain else ".", None if self.plain else "gray")
        entries = [(self.path_label(label), self._style(index)) for index, label in enumerate(self.paths)]
        return entries + [(t("plot.rings", self.lang), rings)] if self.surface else entries

    def _window(self) -> tuple[float, float, float, float]:
        """The outer ring and the start (0, 0), with a margin; a diverging path is clipped to it."""
        assert self.surface is not None
        xs, ys = ring(self.surface["center"], self.surface["hessian"], self.LEVELS[-1])
        xs, ys = xs + [0.0], ys + [0.0]
        pad_x, pad_y = 0.1 * (max(xs) - min(xs)), 0.1 * (max(ys) - min(ys))
        return min(xs) - pad_x, max(xs) + pad_x, min(ys) - pad_y, max(ys) + pad_y

    def render(self) -> RenderResult:
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
                plt.plot(rx, ry, marker="·" if not self.plain else ".", color="gray" if not self.plain else None)
            for index, points in enumerate(self.paths.values()):
                inside = [
                    (p[0], p[1])
                    for p in points
                    if p[0] is not None and p[1] is not None and x0 <= p[0] <= x1 and y0 <= p[1] <= y1
                ]
                if inside:
                    look = self._style(index)
                    px, py = thin([p[0] for p in inside], [p[1] for p in inside])
                    plt.plot(px, py, marker=look.marker, color=look.color)
        return super().render()
