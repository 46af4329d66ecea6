"""An experiment on the scratch core: parameters to edit, Run / Cancel, a live plot, the facts.

One runner per panel (`@work(exclusive=True)`), started by `LessonBlock.run()`: while it runs,
`running` disables Run, and a second ctrl+r only posts AlreadyRunning. The runner reads the kernel's
events through the host it was given and posts what they mean as messages to the panel itself:
`Progress` (every point of the run so far; a newer one replaces one still queued, as toolong's
do) and `Completed` (the typed ExperimentResult, with the status, facts and the curve in words
already worded). Each message carries its run's number, so nothing of an older run is ever drawn
into a newer one's curves. An exception in the runner ends the run: the status says what failed
and LessonBlock posts Failed, so the panel never stays at "running…".
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, ContentSwitcher, Input, Label, Static
from textual.worker import Worker, WorkerState

from tutor.content.catalog import (
    EXPERIMENT_PARAMS,
    PATH_EXPERIMENTS,
    ParamSpec,
    defaults,
    validate_params,
    validate_value,
)
from tutor.content.model import Experiment
from tutor.facts import fact_lines
from tutor.i18n import t
from tutor.kernel.protocol import Curve, Done, Error, ExperimentResult, KernelDied, Points, Stream
from tutor.narrate import describe
from tutor.safe_text import visible
from tutor.ui.context import LessonContext
from tutor.ui.widgets.block import LessonBlock
from tutor.ui.widgets.loss_plot import LossPlot, PathPlot, PlotKey, key_line

Series = dict[str, tuple[list[float], list[Any]]]


def first_difference(core: Curve, yours: Curve) -> float | None:
    """The first step where two curves differ (or one ends), None when they agree point for point."""
    for step, a, b in zip(core.steps or range(1, len(core.y) + 1), core.y, yours.y):
        if a != b:
            return step
    if len(core.y) != len(yours.y):
        shorter = core if len(core.y) < len(yours.y) else yours
        return (shorter.steps[-1] + 1) if shorter.steps else len(shorter.y) + 1
    return None


def compare_text(result: ExperimentResult, lang: str) -> Text:
    """Where the learner's run departs from the core's, so identical curves (drawn on top of
    each other) are not mistaken for a missing one."""
    text = Text()
    for core, yours in result.pairs():
        step = first_difference(core, yours)
        if text:
            text.append(" · ")
        if step is None:
            text.append(t("exp.same", lang), style="bold green")
        else:
            text.append(t("exp.differs", lang, step=int(step)), style="bold yellow")
    return text


def has_path(experiment: Experiment) -> bool:
    """Whether the experiment's result has a (w1, w2) path to draw (view: path's rule)."""
    if experiment.run not in PATH_EXPERIMENTS:
        return False
    return experiment.run != "train" or bool(experiment.params.get("record_path"))


# ---------------------------------------------------------------- one run



# A live redraw of the plot at 80x24 is about 4 KB on the wire; at the kernel's 10 batches a second
# that is 44 KB/s, too much for a class sharing one uplink over SSH (bench/ssh_bytes.py). Three
# redraws a second still read as live, at about 15 KB/s; the finished run is drawn in full.
LIVE_REDRAW = 0.3


@dataclass
class LiveRun:
    """The points one run has streamed so far, per curve label."""

    number: int
    params: dict[str, Any]
    started: float = field(default_factory=time.monotonic)
    series: Series = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, points: dict[str, list[list[Any]]]) -> tuple[str, float, Any] | None:
        """Append a Points event; the last point added (its curve's label, x, y), if any."""
        last = None
        for label, pairs in points.items():
            xs, ys = self.series.setdefault(label, ([], []))
            for x, y in pairs:
                xs.append(x)
                ys.append(y)
                last = (label, x, y)
        return last


class ParamInput(Vertical):
    """One editable parameter: its name above a one-line input."""

    DEFAULT_CSS = """
    ParamInput { width: 16; height: 2; margin-right: 1; }
    /* a list ([0.001, 0.01, ...]) takes the rest of the row, so it shows whole */
    ParamInput.-list { width: 1fr; min-width: 34; }
    ParamInput Label { color: $text-muted; }
    ParamInput Input.-invalid { color: $error; }
    """

    def __init__(self, name: str, value: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.param = name
        self.value = value

    def compose(self) -> ComposeResult:
        yield Label(self.param)
        yield Input(format_param(self.value), compact=True, id=f"param-{self.param}")


def format_param(value: Any) -> str:
    """A parameter as the learner types it: lists as [a, b], numbers as Python writes them."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


class ExperimentPanel(LessonBlock):
    DEFAULT_CSS = """
    ExperimentPanel { height: auto; border: round $accent; padding: 0 1; margin: 0 0 1 0; }
    ExperimentPanel #params { height: auto; }
    ExperimentPanel #controls { height: auto; }
    ExperimentPanel #controls Button { margin-right: 1; }
    ExperimentPanel #param-errors { color: $error; height: auto; }
    /* a sweep's status names every diverged curve: let it wrap rather than be cut */
    ExperimentPanel #status { height: auto; width: 1fr; padding-left: 1; }
    ExperimentPanel #words { height: auto; }
    ExperimentPanel #facts { height: auto; color: $text; }
    ExperimentPanel .keys { color: $text-muted; height: auto; }
    ExperimentPanel ContentSwitcher { height: auto; }
    """

    BINDINGS = [Binding("v", "toggle_view", show=False)]

    @dataclass
    class Progress(Message):
        """Posted while a run streams points: every point of run `number` so far. A newer one
        replaces one of the same run still in the queue, so a fast run never floods it."""

        bubble = False  # for the panel itself: Completed is what others may want to hear
        panel: ExperimentPanel
        number: int
        series: Series
        status: str

        def can_replace(self, message: Message) -> bool:
            return (isinstance(message, ExperimentPanel.Progress) and message.panel is self.panel
                    and message.number == self.number)

    @dataclass
    class Completed(Message):
        """Posted when run `number` ended: its result (None if it failed before giving one), and
        the status, facts and the curve in words to show."""

        panel: ExperimentPanel
        number: int
        result: ExperimentResult | None
        status: Text
        facts: str = ""
        words: str = ""

    def __init__(
        self,
        experiment: Experiment,
        context: LessonContext,
        *,
        impl: dict[str, str] | None = None,
        compare: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.experiment = experiment
        self.impl = impl
        self.compare = compare
        self.result: ExperimentResult | None = None
        self.runs = 0  # the number of the latest run; older runs' messages are ignored
        self.has_path = has_path(experiment)
        self.border_title = experiment.run

    @property
    def lang(self) -> str:
        return self.context.lang

    @property
    def specs(self) -> dict[str, ParamSpec]:
        return EXPERIMENT_PARAMS[self.experiment.run]

    @property
    def params_id(self) -> str:
        """Where the learner's edits are kept: the experiment's id, else its place in the file."""
        return self.experiment.id or f"{self.experiment.run}-line-{self.experiment.where.line}"

    def compose(self) -> ComposeResult:
        if self.experiment.editable:
            saved = self.saved_params()
            with Horizontal(id="params"):
                for name in self.experiment.editable:
                    wide = "-list" if self.specs[name].type.startswith("list") else ""
                    yield ParamInput(name, saved.get(name, self.lesson_value(name)), classes=wide)
        yield Static("", id="param-errors")
        with Horizontal(id="controls"):
            yield Button(t("exp.run", self.lang), id="run", compact=True, variant="primary")
            yield Button(t("exp.cancel", self.lang), id="cancel", compact=True, disabled=True)
            yield Static(t("exp.idle", self.lang), id="status")
        plain = self.context.settings.no_color
        initial = "path-plot" if self.experiment.view == "path" else "loss-plot"
        with ContentSwitcher(initial=initial):
            yield LossPlot(id="loss-plot", plain=plain, lang=self.lang)
            if self.has_path:
                yield PathPlot(id="path-plot", plain=plain, lang=self.lang)
        yield PlotKey("", id="key")
        keys = t("experiment.keys", self.lang)
        if self.has_path:
            keys += " · " + t("experiment.view_key", self.lang)
        yield Static(keys, classes="keys")
        yield Static("", id="words")
        yield Static("", id="facts")

    def lesson_value(self, name: str) -> Any:
        return {**defaults(self.experiment.run), **self.experiment.params}[name]

    def saved_params(self) -> dict[str, Any]:
        """The learner's kept edits that are still valid values (a lesson may have changed)."""
        saved = self.context.progress.load_params(self.params_id) or {}
        kept = {}
        for name, value in saved.items():
            if name in self.experiment.editable and validate_value(self.specs[name], value, self.lang)[1] is None:
                kept[name] = value
        return kept

    # -- parameters -------------------------------------------------------

    def read_params(self) -> tuple[dict[str, Any], list[str]]:
        """The lesson's params with the learner's edits; messages for every invalid input."""
        params = dict(self.experiment.params)
        problems: list[str] = []
        for box in self.query(ParamInput):
            entry = box.query_one(Input)
            value, message = validate_value(self.specs[box.param], entry.value, self.lang)
            entry.set_class(message is not None, "-invalid")
            if message is not None:
                problems.append(f"{box.param}: {message}")
            else:
                params[box.param] = value
        if not problems:
            problems.extend(
                f"{name}: {message}" for name, message in validate_params(self.experiment.run, params, self.lang)
            )
        return params, problems

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        params, problems = self.read_params()
        self.query_one("#param-errors", Static).update("\n".join(problems))
        if not problems:
            self.context.progress.save_params(
                self.params_id, {name: params[name] for name in self.experiment.editable})

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "run":
            self.run()
        elif event.button.id == "cancel":
            self.interrupt()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # v is bound only where there is a path to switch to
        return self.has_path if action == "toggle_view" else True

    def action_toggle_view(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        switcher.current = "loss-plot" if switcher.current == "path-plot" else "path-plot"
        self.show_key()

    def show_key(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        plot = self.query_one(f"#{switcher.current}", LossPlot if switcher.current == "loss-plot" else PathPlot)
        self.query_one("#key", PlotKey).update(key_line(plot.key()))

    def watch_running(self, running: bool) -> None:
        if self.is_mounted:
            self.query_one("#run", Button).disabled = running
            self.query_one("#cancel", Button).disabled = not running

    # -- running ----------------------------------------------------------

    def status(self, text: str | Text) -> None:
        self.query_one("#status", Static).update(text)

    def start_run(self) -> None:
        params, problems = self.read_params()
        if problems:
            self.query_one("#param-errors", Static).update("\n".join(problems))
            self.status(t("exp.invalid", self.lang))
            return
        self.runs += 1
        self.running = True
        self.result = None
        self.query_one("#loss-plot", LossPlot).reset()
        for name in ("#facts", "#words", "#key"):
            self.query_one(name, Static).update("")
        host = self.context.host
        self.status(t("cell.running", self.lang) if host.ready else t("kernel.waiting", self.lang))
        self.run_experiment(LiveRun(self.runs, params))

    @work(exclusive=True, exit_on_error=False, group="experiment")
    async def run_experiment(self, live: LiveRun) -> None:
        """The panel's one runner: the kernel's events of one run, turned into messages."""
        try:
            done: Done | None = None
            died = ""
            events = self.context.host.experiment(
                self.experiment.run, live.params, seed=0, sweep=self.experiment.sweep,
                impl=self.impl, compare=self.compare, x_axis=self.experiment.x_axis,
            )
            drawn_at = 0.0
            async for event in events:
                if isinstance(event, Points):
                    last = live.add(event.series)
                    # every point is kept; the plot is redrawn at most every LIVE_REDRAW s
                    if last is not None and time.monotonic() - drawn_at >= LIVE_REDRAW:
                        drawn_at = time.monotonic()
                        self.post_message(self.Progress(self, live.number, live.series, self.progress_text(live, last)))
                elif isinstance(event, Stream):
                    live.errors.append(event.text)
                elif isinstance(event, Error):
                    live.errors.append(f"{event.ename}: {event.evalue}")
                elif isinstance(event, Done):
                    done = event
                elif isinstance(event, KernelDied):
                    died = event.reason
            self.post_message(self.completed(live, done, died))
        finally:
            self.running = False

    @work(group="interrupt", exit_on_error=False)
    async def interrupt(self) -> None:
        await self.context.host.interrupt()

    def progress_text(self, live: LiveRun, last: tuple[str, float, Any]) -> str:
        label, x, y = last
        loss = "inf" if y is None else f"{y:.3g}"
        elapsed = self.context.elapsed(time.monotonic() - live.started)
        where = self.position(x, live.params)
        if self.experiment.sweep or self.compare or len(live.series) > 1:  # which curve is being drawn
            where = f"{visible(label)} · {where}"
        return t("exp.status", self.lang, where=where, loss=loss, elapsed=elapsed)

    def position(self, x: float, params: dict[str, Any]) -> str:
        """Where a run is, in the units of the plot's x axis."""
        values = {**defaults(self.experiment.run), **params}
        axis = self.experiment.x_axis
        if axis == "examples":
            return t("experiment.examples_seen", self.lang, examples=int(x))
        if axis == "epoch":
            return t("experiment.epoch_of", self.lang, epoch=x, epochs=values.get("num_epochs"))
        batch, examples, epochs = (values.get(k) for k in ("batch_size", "num_examples", "num_epochs"))
        swept = next(iter(self.experiment.sweep or {}), None)
        if batch and examples and epochs and swept not in ("batch_size", "num_examples"):
            per_epoch = math.ceil(examples / batch)
            epoch = min(epochs, max(1, math.ceil(x / per_epoch)))
            return t("exp.epoch", self.lang, epoch=epoch, epochs=epochs, step=int(x))
        return t("exp.step", self.lang, step=int(x))

    def completed(self, live: LiveRun, done: Done | None, died: str) -> Completed:
        """What the end of a run means for the learner, worded here in the runner (where a
        failure becomes a Failed message) so the handler only shows it."""
        elapsed = self.context.elapsed(time.monotonic() - live.started)
        if done is None:
            status = Text(t("kernel.died", self.lang, reason=visible(died)), style="red")
            return self.Completed(self, live.number, None, status)
        if done.status == "interrupted" and done.result is None:  # stopped before a run finished
            return self.Completed(self, live.number, None, Text(t("exp.cancelled", self.lang), style="yellow"))
        if done.status == "error" or done.result is None:
            message = live.errors[-1].strip() if live.errors else done.status
            status = Text(t("exp.failed", self.lang, error=visible(message)), style="red")
            return self.Completed(self, live.number, None, status)
        result = ExperimentResult.from_wire(done.result)
        if done.status == "interrupted":
            status = Text(t("exp.cancelled", self.lang), style="yellow")
        else:
            status = Text(t("exp.done", self.lang, elapsed=elapsed))
            for label, step in result.diverged.items():
                status.append(" · ")
                status.append(f"{visible(label)}: " + t("exp.diverged", self.lang, step=step), style="bold red")
            if result.diverged:
                status.append(" " + t("experiment.diverged_rule", self.lang))
            if self.compare:
                compared = compare_text(result, self.lang)
                if compared:
                    status.append(" · ")
                    status.append(compared)
        words = describe(result, self.lang) if done.status == "ok" else ""
        facts = "\n".join(fact_lines(result, self.lang))
        return self.Completed(self, live.number, result, status, facts, words)

    # -- what the runner posts ------------------------------------------------

    @on(Progress)
    def _show_progress(self, message: Progress) -> None:
        if message.number != self.runs:
            return  # an older run's points never join this run's curves
        self.query_one("#loss-plot", LossPlot).show_series(message.series)
        self.show_key()
        self.status(message.status)

    @on(Completed)
    def _show_completed(self, message: Completed) -> None:
        if message.number != self.runs:
            return
        self.status(message.status)
        result = self.result = message.result
        if result is None:
            return
        plot = self.query_one("#loss-plot", LossPlot)
        plot.reset(log_y=result.log_y, xlabel=result.xlabel, ylabel=result.ylabel)
        plot.show_series({curve.label: (curve.x, curve.y) for curve in result.curves})
        plot.mark_diverged(result.diverged)
        if self.has_path:
            self.query_one("#path-plot", PathPlot).show_result(result.path or {}, result.surface)
        self.show_key()
        self.query_one("#words", Static).update(visible(message.words))
        self.query_one("#facts", Static).update(message.facts)

    @on(Worker.StateChanged)
    def _show_failure(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "experiment":
            error = event.worker.error
            self.status(Text(t("exp.failed", self.lang, error=visible(f"{type(error).__name__}: {error}")),
                             style="red"))
