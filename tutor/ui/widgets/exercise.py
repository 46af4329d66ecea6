"""An exercise: the learner writes a core function, the kernel checks it, then it trains the model."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from tutor.content.model import Exercise
from tutor.i18n import t
from tutor.kernel.protocol import CheckResult, KernelDied
from tutor.ui.widgets.experiment import ExperimentPanel
from tutor.ui.widgets.inline import inline_markdown

# Saving on every keystroke is cheap (a few hundred bytes, atomically), but a short pause
# spares the disk while the learner types a word.
SAVE_DELAY = 0.3


class ExercisePanel(Vertical):
    DEFAULT_CSS = """
    ExercisePanel { height: auto; border: round $success; padding: 0 1; margin: 0 0 1 0; }
    ExercisePanel TextArea { height: auto; max-height: 18; }
    ExercisePanel .keys { color: $text-muted; height: auto; }
    ExercisePanel #diagnosis { height: auto; }
    ExercisePanel #hints { height: auto; color: $text; }
    """

    def __init__(self, exercise: Exercise, lesson_id: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.exercise = exercise
        self.lesson_id = lesson_id
        self.function_name = exercise.implements.rsplit(".", 1)[-1]
        self.border_title = t("ex.title", "en", name=self.function_name)
        self._save_timer = None

    @property
    def lang(self) -> str:
        return self.app.lang

    def compose(self) -> ComposeResult:
        self.border_title = t("ex.title", self.lang, name=self.function_name)
        saved = self.app.progress.load_exercise(self.exercise.id)
        yield TextArea.code_editor(saved if saved is not None else self.exercise.starter, language="python", theme="css", id="editor")
        yield Static(t("ex.hint", self.lang), classes="keys")
        yield Static("", id="hints")
        yield Static("", id="diagnosis")
        yield Vertical(id="then")

    def on_mount(self) -> None:
        used = self.app.progress.hints_used(self.lesson_id, self.exercise.id)
        if used:
            self.show_hints(used)

    @property
    def editor(self) -> TextArea:
        return self.query_one("#editor", TextArea)

    # -- saving as the learner types ------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_now)

    def save_now(self) -> None:
        self._save_timer = None
        self.app.progress.save_exercise(self.exercise.id, self.editor.text)

    def on_unmount(self) -> None:
        # leaving the step (or quitting) between keystroke and timer must not lose the last edit
        if self._save_timer is not None:
            self._save_timer.stop()
            self.app.progress.save_exercise(self.exercise.id, self.editor.text)

    # -- hints and reset -------------------------------------------------------

    def next_hint(self) -> None:
        hints = self.exercise.hints
        used = self.app.progress.hints_used(self.lesson_id, self.exercise.id)
        if used >= len(hints):
            self.app.notify(t("ex.no_more_hints", self.lang), timeout=3)
            return
        self.app.progress.record_hint(self.lesson_id, self.exercise.id)
        self.show_hints(used + 1)

    def show_hints(self, count: int) -> None:
        hints = self.exercise.hints
        text = Text()
        for n, hint in enumerate(hints[:count], start=1):
            text.append(t("ex.hint_n", self.lang, n=n, m=len(hints)), style="bold cyan")
            text.append(inline_markdown(hint.strip()))
            text.append("\n")
        self.query_one("#hints", Static).update(text)

    def reset(self) -> None:
        editor = self.editor
        editor.replace(self.exercise.starter, editor.document.start, editor.document.end)
        self.app.notify(t("ex.reset", self.lang), timeout=3)

    # -- $EDITOR ---------------------------------------------------------------

    def open_in_editor(self) -> None:
        """Suspend the app, edit the code in the learner's editor, check it when they come back."""
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            self.app.notify(t("ex.no_editor", self.lang), severity="warning")
            return
        self.save_now()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{self.function_name}.py"
            path.write_text(self.editor.text, encoding="utf-8")
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(command), str(path)], check=False)
            except (OSError, ValueError, SuspendNotSupported) as error:
                # no such editor, a malformed $EDITOR, or a terminal the app cannot hand over
                self.app.notify(t("ex.editor_failed", self.lang, error=error), severity="error")
                return
            edited = path.read_text(encoding="utf-8")
        editor = self.editor
        editor.replace(edited, editor.document.start, editor.document.end)
        self.save_now()
        self.start()

    # -- checking --------------------------------------------------------------

    def start(self) -> None:
        self.run_worker(self.check(), group="kernel", exit_on_error=False)

    async def check(self) -> None:
        kernel = self.app.kernel
        diagnosis = self.query_one("#diagnosis", Static)
        diagnosis.update(t("ex.checking", self.lang) if kernel.ready else t("kernel.waiting", self.lang))
        source = self.editor.text
        self.save_now()
        outcome: CheckResult | None = None

        def on_event(event) -> None:
            nonlocal outcome
            if isinstance(event, CheckResult):
                outcome = event
            elif isinstance(event, KernelDied):
                diagnosis.update(Text(t("kernel.died", self.lang, reason=event.reason), style="red"))

        await kernel.run(kernel.client.check(self.exercise.implements, source), on_event)
        if outcome is None:
            return
        self.app.progress.record_check(self.lesson_id, self.exercise.id, outcome.passed)
        if outcome.passed:
            diagnosis.update(Text(t("ex.passed", self.lang, name=self.function_name), style="bold green"))
            await self.show_then(source)
        else:
            text = Text(t("ex.failed", self.lang) + "\n", style="bold red")
            text.append(outcome.message.strip() + "\n")
            if outcome.case:
                text.append(t("ex.case", self.lang, case=outcome.case) + "\n", style="italic")
            if outcome.line:
                text.append(t("ex.line", self.lang, line=outcome.line) + "\n", style="italic")
            diagnosis.update(text)

    async def show_then(self, source: str) -> None:
        """Run the `then:` experiment with the learner's function beside the core's."""
        holder = self.query_one("#then", Vertical)
        await holder.remove_children()
        if self.exercise.then is None:
            return
        panel = ExperimentPanel(self.exercise.then, impl={self.exercise.implements: source}, compare=True)
        await holder.mount(panel)
        panel.start()
