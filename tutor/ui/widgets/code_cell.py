"""Code in a lesson: read-only listings and editable cells that run in the kernel."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from tutor.content.model import Code
from tutor.i18n import t
from tutor.kernel.protocol import Done, Error, KernelDied, Result, Stream

# Output beyond this is cut from the top: a runaway print loop must not flood the screen.
MAX_OUTPUT_CHARS = 8000


def syntax(source: str) -> Syntax:
    # ansi_dark uses the terminal's own 16 colours: readable on TERM=linux and over any link
    return Syntax(source.rstrip("\n"), "python", theme="ansi_dark", background_color="default", word_wrap=True)


class CodeView(Static):
    """A listing: the lesson's static code, or the core's real source for `show=`."""

    DEFAULT_CSS = """
    CodeView { border-left: tall $accent; padding: 0 1; margin: 0 0 1 0; height: auto; }
    """

    def __init__(self, source: str, caption: str = "", **kwargs) -> None:
        super().__init__(syntax(source), **kwargs)
        if caption:
            self.border_title = caption


class OutputView(Static):
    """What a run printed, its last value, or its traceback; grows as output streams in."""

    DEFAULT_CSS = """
    OutputView { height: auto; max-height: 12; padding: 0 1; color: $text-muted; }
    OutputView.-error { color: $error; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.text = Text()

    def clear(self, message: str = "") -> None:
        self.text = Text(message)
        self.remove_class("-error")
        self.update(self.text)

    def append(self, chunk: str, style: str = "") -> None:
        self.text.append(chunk, style=style)
        if len(self.text) > MAX_OUTPUT_CHARS:
            self.text = self.text[len(self.text) - MAX_OUTPUT_CHARS :]
        self.update(self.text)

    @property
    def plain(self) -> str:
        return self.text.plain


class CodeCell(Vertical):
    """An editable `python run` cell; ctrl+r runs it in the lesson's kernel namespace."""

    DEFAULT_CSS = """
    CodeCell { height: auto; margin: 0 0 1 0; }
    CodeCell TextArea { height: auto; max-height: 16; }
    CodeCell .keys { color: $text-muted; height: 1; }
    """

    def __init__(self, code: Code, namespace: str, saved: str | None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.code = code
        self.namespace = namespace
        self.initial = saved if saved is not None else code.source

    @property
    def lang(self) -> str:
        return self.app.lang

    def compose(self) -> ComposeResult:
        yield TextArea.code_editor(self.initial, language="python", theme="css", id="editor")
        yield Static(t("cell.hint", self.lang), classes="keys")
        yield OutputView(id="output")

    @property
    def editor(self) -> TextArea:
        return self.query_one("#editor", TextArea)

    @property
    def output(self) -> OutputView:
        return self.query_one("#output", OutputView)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        text = event.text_area.text
        if text == self.code.source:
            self.app.progress.forget_cell(self.code.cell_id)
        else:
            self.app.progress.save_cell(self.code.cell_id, text)

    def reset(self) -> None:
        """Back to the lesson's code, through the editor so ctrl+z undoes it."""
        editor = self.editor
        editor.replace(self.code.source, editor.document.start, editor.document.end)
        self.app.notify(t("cell.reset", self.lang), timeout=3)

    async def run(self) -> None:
        kernel = self.app.kernel
        out = self.output
        out.clear(t("cell.running", self.lang) if kernel.ready else t("kernel.waiting", self.lang))
        started = False

        def on_event(event) -> None:
            nonlocal started
            if not started:
                out.clear()
                started = True
            if isinstance(event, Stream):
                out.append(event.text, "red" if event.name == "stderr" else "")
            elif isinstance(event, Result):
                out.append(event.text + "\n", "bold")
            elif isinstance(event, Error):
                out.add_class("-error")
                out.append(event.traceback)
            elif isinstance(event, Done):
                if event.status == "interrupted":
                    out.append(t("kernel.interrupted", self.lang) + "\n", "yellow")
                elif not out.plain:
                    out.append(t("cell.no_output", self.lang))
            elif isinstance(event, KernelDied):
                out.add_class("-error")
                out.append(t("kernel.died", self.lang, reason=event.reason) + "\n")

        request = kernel.client.execute(self.editor.text, cell_id=self.code.cell_id, namespace=self.namespace)
        await kernel.run(request, on_event)
