"""An exercise: the learner writes a core function, the kernel checks it, then it trains the model.

Flow: ctrl+r (run) starts the check worker, which talks to the kernel through the host and posts
`Checked`; the panel renders the verdict from that message and, on a pass, mounts the `then:`
experiment with the learner's function beside the core's. ctrl+t shows the next hint; once the
hints are used up (or as the exercise's `reveal:` says), a further request shows the solution,
and the progress records that it was seen.
"""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static, TextArea

from tutor.content.model import Exercise
from tutor.i18n import t
from tutor.kernel.protocol import CheckResult, KernelDied
from tutor.practice.reveal import solution_available
from tutor.safe_text import visible
from tutor.ui.context import LessonContext, Unreadable
from tutor.ui.widgets.block import LessonBlock
from tutor.ui.widgets.code_cell import CodeView
from tutor.ui.widgets.experiment import ExperimentPanel
from tutor.ui.widgets.inline import inline_markdown
from tutor.ui.widgets.pending_save import PendingSave


def first_line(message: str) -> str:
    """A diagnosis's headline: what `tutor report` counts across a class's attempts."""
    return message.strip().split("\n", 1)[0]


class ExercisePanel(LessonBlock):
    """The learner's editor for one exercise, its hints, the check's verdict and the payoff run."""

    DEFAULT_CSS = """
    ExercisePanel { height: auto; border: round $success; padding: 0 1; margin: 0 0 1 0; }
    ExercisePanel TextArea { height: auto; max-height: 18; }
    ExercisePanel .controls { height: auto; }
    ExercisePanel .controls Button { margin-right: 1; width: auto; min-width: 0; }
    ExercisePanel .keys { color: $text-muted; width: 1fr; height: auto; }
    ExercisePanel #read-error { color: $error; height: auto; }
    ExercisePanel #hints, ExercisePanel #diagnosis, ExercisePanel #solution-note { height: auto; }
    ExercisePanel #then { height: auto; }
    """

    @dataclass
    class Checked(Message):
        """Posted when a check of the learner's code has a verdict (`result`), or could not get
        one because the kernel died (`result` None, `died` the reason)."""

        panel: ExercisePanel
        source: str
        result: CheckResult | None
        died: str = ""

    @dataclass
    class SolutionShown(Message):
        """Posted when the learner asked for the exercise's solution and it is now shown."""

        panel: ExercisePanel

    def __init__(self, exercise: Exercise, context: LessonContext, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.exercise = exercise
        self.context = context
        self.function_name = exercise.implements.rsplit(".", 1)[-1]
        self.border_title = t("ex.title", context.lang, name=self.function_name)
        loaded = context.progress.load_exercise(exercise.id)
        # a saved copy that could not be read: shown read-only, never written over
        self.read_error: Unreadable | None = loaded if isinstance(loaded, Unreadable) else None
        saved = loaded if isinstance(loaded, str) else None
        self.initial = saved if saved is not None else exercise.starter
        self.pending = PendingSave(self, self._save)
        # ctrl+t after the last hint warns once; the next ctrl+t shows the solution
        self._solution_asked = False

    @property
    def lang(self) -> str:
        return self.context.lang

    def compose(self) -> ComposeResult:
        read_only = self.read_error is not None
        yield TextArea.code_editor(self.initial, language="python", theme="css", read_only=read_only, id="editor")
        if self.read_error is not None:
            message = t("ex.read_failed", self.lang, error=visible(self.read_error.error), path=self.read_error.path)
            yield Static(message, id="read-error")
        with Horizontal(classes="controls"):
            yield Button(t("ex.check_button", self.lang), id="check", compact=True, variant="primary")
            yield Button(t("ex.solution_button", self.lang), id="solution-button", compact=True)
            yield Static(self.keys_text(), classes="keys")
        yield Static("", id="hints")
        yield Static("", id="diagnosis")
        yield Static("", id="solution-note")
        yield Vertical(id="then")

    def keys_text(self) -> str:
        settings = self.context.settings
        if settings.in_browser:
            return t("ex.keys_browser", self.lang)
        # ctrl+g only where it can work: an editor is set and the terminal can be handed over
        return t("ex.keys", self.lang) + (t("ex.keys_editor", self.lang) if settings.editor else "")

    def on_mount(self) -> None:
        # nothing empty is drawn: each part appears once it has something to say
        for part in ("#hints", "#diagnosis", "#solution-note"):
            self.query_one(part).display = False
        used = self.context.progress.hints_used(self.exercise.id)
        if used:
            self.show_hints(used)
        if self.context.progress.solution_seen(self.exercise.id):
            self.mount_solution()
        self.update_solution_button()

    @property
    def editor(self) -> TextArea:
        return self.query_one("#editor", TextArea)

    # -- saving as the learner types ------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _edited(self, event: TextArea.Changed) -> None:
        event.stop()
        if self.read_error is None:
            self.pending.changed(event.text_area.text)

    def _save(self, text: str) -> None:
        self.context.progress.save_exercise(self.exercise.id, text)

    def flush(self) -> None:
        self.pending.flush()

    def on_unmount(self) -> None:
        # a way out the screen did not flush: the edit is kept here, no widget needed
        self.pending.flush()

    # -- hints and the solution --------------------------------------------------

    def hint(self) -> bool:
        hints = self.exercise.hints
        if not hints and not self.exercise.solution:
            return False
        used = self.context.progress.hints_used(self.exercise.id)
        if used < len(hints):
            self.context.progress.record_hint(self.exercise.id)
            self.show_hints(used + 1)
            self.update_solution_button()
            return True
        if not self.solution_available() or self.solution_shown:
            self.notify(t("ex.no_more_hints", self.lang), timeout=3)
            return True
        if not self._solution_asked:
            self._solution_asked = True
            key = "t" if self.context.settings.in_browser else "ctrl+t"
            self.notify(t("ex.solution_offer", self.lang, press=key), timeout=6)
            return True
        self.show_solution()
        return True

    def show_hints(self, count: int) -> None:
        hints = self.exercise.hints
        text = Text()
        for n, hint in enumerate(hints[:count], start=1):
            if n > 1:
                text.append("\n")
            text.append(t("ex.hint_n", self.lang, n=n, m=len(hints)), style="bold")
            text.append_text(inline_markdown(hint))
        widget = self.query_one("#hints", Static)
        widget.update(text)
        widget.display = True

    def solution_available(self) -> bool:
        """Whether the solution may be shown now, by the exercise's reveal rule."""
        state = self.context.progress.exercise_state(self.exercise.id)
        return solution_available(self.exercise, state.hints_used, state.first_pass is not None)

    @property
    def solution_shown(self) -> bool:
        return bool(self.query("#solution"))

    def update_solution_button(self) -> None:
        self.query_one("#solution-button", Button).display = self.solution_available() and not self.solution_shown

    def watch_running(self, running: bool) -> None:
        self.query("#check").set(disabled=running)

    @on(Button.Pressed, "#check")
    def _check_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.run()

    @on(Button.Pressed, "#solution-button")
    def _solution_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.show_solution()

    def show_solution(self) -> None:
        if not self.solution_available() or self.solution_shown:
            return
        self.context.progress.record_solution_seen(self.exercise.id)
        self.mount_solution()
        self.update_solution_button()
        self.post_message(self.SolutionShown(self))

    def mount_solution(self) -> None:
        note = self.query_one("#solution-note", Static)
        note.update(Text(t("ex.solution_title", self.lang), style="bold"))
        note.display = True
        view = CodeView(self.exercise.solution, id="solution")
        self.mount(view, after=note)

    # -- reset -----------------------------------------------------------------

    def reset(self) -> bool:
        if self.read_error is not None:
            return False
        editor = self.editor
        editor.replace(self.exercise.starter, editor.document.start, editor.document.end)
        self.notify(t("ex.reset", self.lang), timeout=3)
        return True

    # -- $EDITOR ---------------------------------------------------------------

    def external_edit(self) -> bool:
        """Suspend the app, edit the code in the learner's editor ($VISUAL or $EDITOR, from the
        settings), and check it when they come back."""
        command = self.context.settings.editor
        if self.read_error is not None:
            self.notify(t("ex.read_only", self.lang), severity="warning")
            return True
        if not command:
            self.notify(t("ex.no_editor", self.lang), severity="warning")
            return True
        self.flush()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{self.function_name}.py"
            path.write_text(self.editor.text, encoding="utf-8")
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(command), str(path)], check=False)
            except (OSError, ValueError, SuspendNotSupported) as error:
                # no such editor, a malformed $EDITOR, or a terminal the app cannot hand over
                self.notify(t("ex.editor_failed", self.lang, error=error), severity="error")
                return True
            edited = path.read_text(encoding="utf-8", errors="replace")
        editor = self.editor
        editor.replace(edited, editor.document.start, editor.document.end)
        self.pending.changed(edited)
        self.flush()
        self.run()
        return True

    # -- checking --------------------------------------------------------------

    def start_run(self) -> None:
        self.running = True
        self.flush()
        self.diagnose(Text(t("ex.checking", self.lang) if self.context.host.ready else t("kernel.waiting", self.lang)))
        self._check(self.editor.text)

    @work(exclusive=True, exit_on_error=False, group="check")
    async def _check(self, source: str) -> None:
        result: CheckResult | None = None
        died = ""
        try:
            async for event in self.context.host.check(self.exercise.implements, source):
                if isinstance(event, CheckResult):
                    result = event
                elif isinstance(event, KernelDied):
                    died = event.reason
        finally:
            self.running = False
        self.post_message(self.Checked(self, source, result, died))

    @on(Checked)
    async def _show_verdict(self, message: Checked) -> None:
        if message.panel is not self:
            return
        result = message.result
        if result is None:
            self.diagnose(Text(t("kernel.died", self.lang, reason=visible(message.died)), style="red"))
            return
        self.context.progress.record_check(self.exercise.id, result.passed, first_line(result.message))
        if result.passed:
            self.diagnose(Text(t("ex.passed", self.lang, name=self.function_name), style="bold green"))
            await self.show_then(message.source)
            return
        text = Text()
        text.append(t("ex.failed", self.lang) + "\n", style="bold red")
        text.append_text(inline_markdown(result.message, reflow_lines=False, emphasis=False))
        if result.case:
            text.append("\n" + t("ex.case", self.lang, case=visible(result.case)), style="italic")
        if result.line:
            text.append("\n" + t("ex.line", self.lang, line=result.line), style="italic")
        self.diagnose(text)

    @on(LessonBlock.Failed)
    def _failed(self, message: LessonBlock.Failed) -> None:
        # the tutor failed, not the learner's code: "checking…" must not stay for good
        if message.block is self:
            self.diagnose(Text(t("block.failed", self.lang, error=visible(message.error)), style="red"))

    def diagnose(self, text: Text) -> None:
        widget = self.query_one("#diagnosis", Static)
        widget.update(text)
        widget.display = bool(text)

    async def show_then(self, source: str) -> None:
        """Run the `then:` experiment with the learner's function beside the core's."""
        holder = self.query_one("#then", Vertical)
        await holder.remove_children()
        if self.exercise.then is None:
            return
        panel = ExperimentPanel(self.exercise.then, self.context, impl={self.exercise.implements: source}, compare=True)
        await holder.mount(panel)
        panel.run()
