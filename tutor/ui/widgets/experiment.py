"""An experiment on the scratch core: parameters to edit, Run / Cancel, a live plot, the facts."""

from __future__ import annotations

import math
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, ContentSwitcher, Input, Label, Static

from tutor.content.catalog import EXPERIMENT_PARAMS, defaults, validate_params, validate_value
from tutor.content.model import Experiment
from tutor.i18n import t
from tutor.kernel.protocol import Done, Error, KernelDied, Points, Stream
from tutor.ui.context import LessonContext
from tutor.ui.widgets.block import LessonBlock
from tutor.ui.widgets.loss_plot import LossPlot, PathPlot


def format_value(value) -> str:
    """Facts for people: 4 significant digits, lists inline, None as a dash."""
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        if len(value) > 8:
            return "[" + ", ".join(format_value(v) for v in value[:6]) + f", … ({len(value)} values)]"
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return str(value)


def first_difference(core: dict, yours: dict) -> int | None:
    """The first x where two curves differ (or one ends), None when they agree point for point."""
    for (x, a), (_, b) in zip(zip(core["x"], core["y"]), zip(yours["x"], yours["y"])):
        if a != b:
            return x
    if len(core["y"]) != len(yours["y"]):
        shorter = core if len(core["y"]) < len(yours["y"]) else yours
        return shorter["x"][-1] + 1 if shorter["x"] else 1
    return None


def compare_text(curves: dict[str, dict], lang: str) -> Text:
    """Where the learner's run departs from the core's, so identical curves (drawn on top of
    each other) are not mistaken for a missing one."""
    pairs = [(label[len("core: "):], curve) for label, curve in curves.items() if label.startswith("core: ")]
    text = Text()
    for name, core in pairs:
        yours = curves.get(f"yours: {name}")
        if yours is None:
            continue
        step = first_difference(core, yours)
        if step is None:
            text.append(t("exp.same", lang), style="bold green")
        else:
            text.append(t("exp.differs", lang, step=int(step)), style="bold yellow")
    return text


class ParamInput(Vertical):
    """One editable parameter: its name above a one-line input."""

    DEFAULT_CSS = """
    ParamInput { width: 16; height: 2; margin-right: 1; }
    ParamInput.-list { width: 34; }
    ParamInput Label { color: $text-muted; }
    ParamInput Input.-invalid { color: $error; }
    """

    def __init__(self, name: str, value, **kwargs) -> None:
        super().__init__(**kwargs)
        self.param = name
        self.value = value

    def compose(self) -> ComposeResult:
        yield Label(self.param)
        yield Input(str(self.value), compact=True, id=f"param-{self.param}")


class ExperimentPanel(LessonBlock):
    DEFAULT_CSS = """
    ExperimentPanel { height: auto; border: round $accent; padding: 0 1; margin: 0 0 1 0; }
    ExperimentPanel #params { height: auto; }
    ExperimentPanel #controls { height: auto; }
    ExperimentPanel #controls Button { margin-right: 1; }
    ExperimentPanel #param-errors { color: $error; height: auto; }
    /* a sweep's status names every diverged curve: let it wrap rather than be cut */
    ExperimentPanel #status { height: auto; width: 1fr; padding-left: 1; }
    ExperimentPanel #facts { height: auto; color: $text; }
    ExperimentPanel .keys { color: $text-muted; height: 1; }
    ExperimentPanel ContentSwitcher { height: auto; }
    """

    def __init__(
        self,
        experiment: Experiment,
        context: LessonContext,
        *,
        impl: dict[str, str] | None = None,
        compare: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.experiment = experiment
        self.impl = impl
        self.compare = compare
        self.result: dict | None = None
        self.started_at = 0.0
        self.border_title = experiment.run

    @property
    def lang(self) -> str:
        return self.context.lang

    @property
    def specs(self) -> dict:
        return EXPERIMENT_PARAMS[self.experiment.run]

    def compose(self) -> ComposeResult:
        if self.experiment.editable:
            with Horizontal(id="params"):
                for name in self.experiment.editable:
                    wide = "-list" if self.specs[name].type.startswith("list") else ""
                    yield ParamInput(name, self.current_default(name), classes=wide)
        yield Static("", id="param-errors")
        with Horizontal(id="controls"):
            yield Button(t("exp.run", self.lang), id="run", compact=True, variant="primary")
            yield Button(t("exp.cancel", self.lang), id="cancel", compact=True)
            yield Static(t("exp.idle", self.lang), id="status")
        has_path = self.experiment.view == "path"
        with ContentSwitcher(initial="path-plot" if has_path else "loss-plot"):
            yield LossPlot(id="loss-plot")
            if has_path:
                yield PathPlot(id="path-plot")
        yield Static(t("exp.hint", self.lang), classes="keys")
        yield Static("", id="facts")

    def current_default(self, name: str):
        return {**defaults(self.experiment.run), **self.experiment.params}[name]

    # -- parameters -------------------------------------------------------

    def read_params(self) -> tuple[dict, list[str]]:
        """The lesson's params with the learner's edits; messages for every invalid input."""
        params = dict(self.experiment.params)
        problems: list[str] = []
        for box in self.query(ParamInput):
            field = box.query_one(Input)
            value, message = validate_value(self.specs[box.param], field.value, self.lang)
            field.set_class(message is not None, "-invalid")
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
        _, problems = self.read_params()
        self.query_one("#param-errors", Static).update("\n".join(problems))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "run":
            self.start()
        elif event.button.id == "cancel":
            self.run_worker(self.app.action_interrupt(), exit_on_error=False)

    def toggle_view(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        if self.query("#path-plot"):
            switcher.current = "loss-plot" if switcher.current == "path-plot" else "path-plot"

    # -- running ----------------------------------------------------------

    def start_run(self) -> None:
        self.start()

    def start(self) -> None:
        self.run_worker(self.run_experiment(), group="kernel", exit_on_error=False)

    def status(self, text: str | Text) -> None:
        self.query_one("#status", Static).update(text)

    def where(self, step: float, params: dict) -> str:
        values = {**defaults(self.experiment.run), **params}
        batch, examples, epochs = (values.get(k) for k in ("batch_size", "num_examples", "num_epochs"))
        if batch and examples and epochs:
            per_epoch = math.ceil(examples / batch)
            epoch = min(epochs, max(1, math.ceil(step / per_epoch)))
            return t("exp.epoch", self.lang, epoch=epoch, epochs=epochs, step=int(step))
        return t("exp.step", self.lang, step=int(step))

    async def run_experiment(self) -> None:
        params, problems = self.read_params()
        if problems:
            self.query_one("#param-errors", Static).update("\n".join(problems))
            self.status(t("exp.invalid", self.lang))
            return
        kernel = self.context.host
        plot = self.query_one("#loss-plot", LossPlot)
        plot.reset()
        self.query_one("#facts", Static).update("")
        self.result = None
        self.started_at = time.monotonic()
        self.status(t("cell.running", self.lang) if kernel.ready else t("kernel.waiting", self.lang))
        errors: list[str] = []

        def on_event(event) -> None:
            elapsed = self.context.elapsed(time.monotonic() - self.started_at)
            if isinstance(event, Points):
                plot.add_points(event.series)
                label, points = next(reversed(event.series.items()))
                if points:
                    x, y = points[-1]
                    loss = "inf" if y is None else f"{y:.3g}"
                    self.status(t("exp.status", self.lang, where=self.where(x, params), loss=loss, elapsed=elapsed))
            elif isinstance(event, Stream):
                errors.append(event.text)
            elif isinstance(event, Error):
                errors.append(f"{event.ename}: {event.evalue}")
            elif isinstance(event, Done):
                self.finish(event, elapsed, errors)
            elif isinstance(event, KernelDied):
                self.status(Text(t("kernel.died", self.lang, reason=event.reason), style="red"))

        request = kernel.client.experiment(
            self.experiment.run,
            params,
            seed=0,
            sweep=self.experiment.sweep,
            impl=self.impl,
            compare=self.compare,
        )
        await kernel.run(request, on_event)

    def finish(self, event: Done, elapsed: str, errors: list[str]) -> None:
        plot = self.query_one("#loss-plot", LossPlot)
        if event.status == "interrupted":
            self.status(Text(t("exp.cancelled", self.lang), style="yellow"))
            return
        if event.status != "ok" or event.result is None:
            message = errors[-1].strip() if errors else event.status
            self.status(Text(t("exp.failed", self.lang, error=message), style="red"))
            return
        result = self.result = event.result
        plot.reset(log_y=result.get("log_y", True), xlabel=result.get("xlabel", "step"), ylabel=result.get("ylabel", "loss"))
        plot.set_curves(result["curves"])
        diverged = {label: step for label, step in result.get("diverged", {}).items() if step}
        for label, step in diverged.items():
            plot.mark_diverged(label, step)
        if self.query("#path-plot"):
            self.query_one("#path-plot", PathPlot).show_result(result.get("path") or {}, result.get("surface"))
        status = Text(t("exp.done", self.lang, elapsed=elapsed))
        for label, step in diverged.items():
            status.append(" · ")
            status.append(f"{label}: " + t("exp.diverged", self.lang, step=step), style="bold red")
        if self.compare:
            status.append(" · ")
            status.append(compare_text(result["curves"], self.lang))
        self.status(status)
        facts = result.get("facts", {})
        self.query_one("#facts", Static).update(
            "\n".join(f"{name} = {format_value(value)}" for name, value in facts.items())
        )
