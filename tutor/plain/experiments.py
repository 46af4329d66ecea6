"""An experiment in plain mode: its parameters, name=value to change an editable one, then the
facts, the curve in words and a text plot."""

from __future__ import annotations

import time
from typing import Any

from tutor.content.catalog import EXPERIMENT_PARAMS, defaults, validate_params, validate_value
from tutor.content.model import Experiment
from tutor.i18n import t
from tutor.kernel import protocol as P
from tutor.kernel.protocol import ExperimentResult
from tutor.narrate import describe
from tutor.plain.blocks import Blocks
from tutor.plain.plot import plot_lines
from tutor.safe_text import visible

# Seconds between two progress lines of a running experiment, on a terminal only.
PROGRESS_EVERY = 5.0


def format_value(value: Any) -> str:
    """A fact for people: 4 significant digits, lists inline, None as a dash."""
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        if len(value) > 8:
            return "[" + ", ".join(format_value(v) for v in value[:6]) + f", … ({len(value)} values)]"
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return visible(str(value))


def params_id(block: Experiment) -> str:
    """Where the learner's edits are kept, the same key as the app's experiment panel uses (its
    `params_id`): the experiment's id, else its place in the file."""
    return block.id or f"{block.run}-line-{block.where.line}"


class Experiments(Blocks):
    async def experiment(self, block: Experiment) -> None:
        """Show the parameters, run at enter, change an editable one with name=value and run again."""
        specs = EXPERIMENT_PARAMS.get(block.run, {})
        params = dict(block.params)
        saved = self.s.progress(self.s.store.load_params, self.key, params_id(block)) or {}
        params.update({k: v for k, v in saved.items()
                       if k in block.editable and k in specs and validate_value(specs[k], v, self.lang)[1] is None})
        self.s.say("plain.exp.title", "heading", run=block.run)
        ran = False
        while True:
            self.show_params(block, params)
            prompt = "plain.prompt.exp_again" if ran else "plain.prompt.exp"
            example = block.editable[0] if block.editable else ""
            key = prompt + (".editable" if block.editable else "")
            command, line = await self.s.ask(t(key, self.lang, example=example), ("again", "skip"))
            if command == "skip" or (ran and command is None and not line.strip()):
                return
            if command is None and line.strip():
                changed = self.change(block, specs, params, line)
                if changed is None:
                    continue
                params = changed
                edited = {k: {**defaults(block.run), **params}[k] for k in block.editable}
                self.s.progress(self.s.store.save_params, self.key, params_id(block), edited)

            async def run(params: dict[str, Any] = params) -> None:
                await self.run_experiment(block, params, None)

            self.s.last_run = run
            await run()
            ran = True

    def show_params(self, block: Experiment, params: dict[str, Any]) -> None:
        values = {**defaults(block.run), **params} if block.run in EXPERIMENT_PARAMS else params
        shown = ", ".join(f"{k} = {format_value(v)}" for k, v in values.items() if k in params or k in block.editable)
        self.s.say("plain.exp.params", name_list=shown or "—")
        if block.editable:
            self.s.say("plain.exp.editable", "muted", names=", ".join(block.editable))
        if block.sweep:
            (name, values_list), = block.sweep.items()
            self.s.say("plain.exp.sweep", "muted", name=name, values=format_value(values_list))

    def change(self, block: Experiment, specs: dict[str, Any], params: dict[str, Any],
               line: str) -> dict[str, Any] | None:
        """params with the change `line` asks for ("lr=0.1", "lr 0.1"); None (and why) if invalid."""
        name, sep, raw = line.replace("＝", "=").partition("=")
        if not sep:
            name, _, raw = line.strip().partition(" ")
        name, raw = name.strip(), raw.strip()
        if name not in block.editable:
            if block.editable:
                self.s.say("plain.exp.not_editable", "warn", name=visible(name), names=", ".join(block.editable))
            else:
                self.s.say("plain.exp.nothing_editable", "warn")
            return None
        value, problem = validate_value(specs[name], raw, self.lang)
        if problem is not None:
            self.s.say("plain.exp.bad_value", "warn", problem=problem)
            return None
        changed = {**params, name: value}
        problems = validate_params(block.run, changed, self.lang)
        if problems:
            for param, message in problems:
                self.s.say("plain.exp.bad_value", "warn", problem=f"{param}: {message}")
            return None
        return changed

    async def run_experiment(self, block: Experiment, params: dict[str, Any], impl: dict[str, str] | None) -> None:
        errors: list[str] = []
        self.s.say("cell.running", "muted")
        said = time.monotonic()

        def on_event(event: Any) -> None:
            nonlocal said
            if isinstance(event, P.Points) and self.s.console.live and time.monotonic() - said > PROGRESS_EVERY:
                # a whole line now and then, never a line rewritten in place: screen readers read lines
                label, points = next(reversed(event.series.items()))
                if points:
                    x, y = points[-1]
                    loss = "inf" if y is None else f"{y:.3g}"
                    named = f" ({visible(label)})" if label not in ("", "loss") else ""
                    self.s.say("plain.exp.progress", "muted", label=named,
                               where=t(f"plain.axis.{block.x_axis}", self.lang, x=f"{x:.4g}"), loss=loss)
                    said = time.monotonic()
            elif isinstance(event, P.Stream):
                errors.append(event.text)
            elif isinstance(event, P.Error):
                errors.append(f"{event.ename}: {event.evalue}")

        request = self.s.kernel.experiment(block.run, params, seed=0, sweep=block.sweep, impl=impl,
                                           compare=impl is not None, x_axis=block.x_axis)
        last = await self.s.run(request, on_event)
        if isinstance(last, P.KernelDied):
            self.s.say("kernel.died", "wrong", reason=visible(last.reason))
            return
        if not isinstance(last, P.Done) or (last.status == "interrupted" and last.result is None):
            self.s.say("exp.cancelled", "warn")
            return
        if last.status == "error" or last.result is None:
            message = errors[-1].strip() if errors else last.status
            self.s.say("exp.failed", "wrong", error=visible(message))
            return
        try:
            result = ExperimentResult.from_wire(last.result)
        except P.ProtocolError as error:
            self.s.say("exp.failed", "wrong", error=visible(str(error)))
            return
        self.report(result)

    def report(self, result: ExperimentResult) -> None:
        """The facts, the curve in words, then the plot (unless --no-plot)."""
        self.s.say("plain.exp.facts", "heading")
        for name, value in result.facts.items():
            self.s.text(f"{visible(name)} = {format_value(value)}", indent="  ")
        words = describe(result, self.lang)
        if words:
            self.s.blank()
            self.s.text(words)
        if self.s.plot:
            lines = plot_lines(result, self.s.console.width, self.s.console.color, self.lang)
            if lines:
                self.s.blank()
                self.s.console.lines(lines)
