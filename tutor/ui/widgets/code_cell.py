"""Code in a lesson: read-only listings, and editable cells that run in the kernel."""

from __future__ import annotations

from dataclasses import dataclass

from rich.syntax import Syntax
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Static, TextArea

from tutor.content.model import Code
from tutor.i18n import t
from tutor.kernel.protocol import Done, Error, KernelDied, Result, Stream
from tutor.safe_text import visible
from tutor.ui.context import LessonContext, Unreadable
from tutor.ui.widgets.block import LessonBlock
from tutor.ui.widgets.output_view import OutputView
from tutor.ui.widgets.pending_save import PendingSave


def syntax(source: str) -> Syntax:
    # ansi_dark uses the terminal's own 16 colours: readable on TERM=linux and over any link
    return Syntax(
        visible(source.rstrip("\n")), "python", theme="ansi_dark", background_color="default", word_wrap=True
    )


class CodeView(Static):
    """A listing: the lesson's static code, or the core's real source for `show=`."""

    DEFAULT_CSS = """
    CodeView { border-left: tall $accent; padding: 0 1; margin: 0 0 1 0; height: auto; }
    """

    def __init__(self, source: str, caption: str = "", **kwargs: object) -> None:
        super().__init__(syntax(source), **kwargs)  # type: ignore[arg-type]
        self.source = source
        if caption:
            self.border_title = caption


class CodeCell(LessonBlock):
    """An editable `python run` cell; ctrl+r runs it in the lesson's kernel namespace.

    The learner's edits are saved beside their progress as they type. If their saved copy exists
    but cannot be read, the cell shows the lesson's code read-only and says what failed and where
    the file is: a keystroke must never overwrite work the tutor could not read.
    """

    DEFAULT_CSS = """
    CodeCell { height: auto; margin: 0 0 1 0; }
    CodeCell TextArea { height: auto; max-height: 16; }
    CodeCell .controls { height: auto; }
    CodeCell .controls Button { margin-right: 1; width: auto; min-width: 0; }
    CodeCell .keys { color: $text-muted; width: 1fr; height: auto; }
    CodeCell #read-error { color: $error; height: auto; }
    """

    @dataclass
    class Finished(Message):
        """Posted when a run of this cell ended: "ok", "error", "interrupted" or "died"."""

        cell: CodeCell
        status: str

    def __init__(self, code: Code, context: LessonContext, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.code = code
        self.context = context
        loaded = context.progress.load_cell(code.cell_id)
        # a saved copy that could not be read: shown read-only, never written over
        self.read_error: Unreadable | None = loaded if isinstance(loaded, Unreadable) else None
        saved = loaded if isinstance(loaded, str) else None
        self.initial = saved if saved is not None else code.source
        self.pending = PendingSave(self, self._save)

    @property
    def lang(self) -> str:
        return self.context.lang

    def compose(self) -> ComposeResult:
        read_only = self.read_error is not None
        yield TextArea.code_editor(self.initial, language="python", theme="css", read_only=read_only, id="editor")
        if self.read_error is not None:
            error, path = visible(self.read_error.error), self.read_error.path
            yield Static(t("cell.read_failed", self.lang, error=error, path=path), id="read-error")
        keys = "cell.keys_browser" if self.context.settings.in_browser else "cell.keys"
        with Horizontal(classes="controls"):
            yield Button(t("exp.run", self.lang), id="run", compact=True, variant="primary")
            yield Static(t(keys, self.lang), classes="keys")
        yield OutputView(self.lang, id="output")

    @property
    def editor(self) -> TextArea:
        return self.query_one("#editor", TextArea)

    @property
    def output(self) -> OutputView:
        return self.query_one("#output", OutputView)

    def watch_running(self, running: bool) -> None:
        self.query("#run").set(disabled=running)

    @on(Button.Pressed, "#run")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.run()

    # -- saving as the learner types ------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _edited(self, event: TextArea.Changed) -> None:
        event.stop()
        if self.read_error is None:
            self.pending.changed(event.text_area.text)

    def _save(self, text: str) -> None:
        progress = self.context.progress
        if text == self.code.source:
            progress.forget_cell(self.code.cell_id)
        else:
            progress.save_cell(self.code.cell_id, text)

    def flush(self) -> None:
        self.pending.flush()

    def on_unmount(self) -> None:
        # a way out the screen did not flush (a crash of a neighbour, a test's teardown)
        self.pending.flush()

    # -- the interface ----------------------------------------------------------

    def reset(self) -> bool:
        """Back to the lesson's code, through the editor so ctrl+z undoes it."""
        if self.read_error is not None:
            return False
        editor = self.editor
        editor.replace(self.code.source, editor.document.start, editor.document.end)
        self.notify(t("cell.reset", self.lang), timeout=3)
        return True

    def start_run(self) -> None:
        self.running = True
        self._run(self.editor.text)

    @work(exclusive=True, exit_on_error=False, group="cell")
    async def _run(self, source: str) -> None:
        out = self.output
        host = self.context.host
        status = "ok"
        try:
            out.clear(t("cell.running", self.lang) if host.ready else t("kernel.waiting", self.lang))
            started = False
            async for event in host.execute(source, cell_id=self.code.cell_id, namespace=self.context.namespace):
                if not started:
                    out.clear()
                    started = True
                if isinstance(event, Stream):
                    out.append(event.text, "red" if event.name == "stderr" else "")
                elif isinstance(event, Result):
                    out.append(event.text + "\n", "bold")
                elif isinstance(event, Error):
                    out.mark_error()
                    out.append(event.traceback)
                elif isinstance(event, Done):
                    status = event.status
                    if event.status == "interrupted":
                        out.append(t("kernel.interrupted", self.lang) + "\n", "yellow")
                    elif not out.plain:
                        out.append(t("cell.no_output", self.lang))
                elif isinstance(event, KernelDied):
                    status = "died"
                    out.mark_error()
                    out.append(t("kernel.died", self.lang, reason=event.reason) + "\n")
        finally:
            self.running = False
        self.post_message(self.Finished(self, status))

    @on(LessonBlock.Failed)
    def _failed(self, message: LessonBlock.Failed) -> None:
        # the tutor failed, not the learner's code: say so where "running…" was (the screen
        # reports it too, as the message bubbles on)
        if message.block is self:
            self.output.mark_error()
            self.output.append("\n" + t("block.failed", self.lang, error=message.error) + "\n")
