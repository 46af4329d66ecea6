"""A code cell as the learner uses it at 80x24: the output's end (the error) is always in view, what was
dropped is said, control characters never reach the terminal, and saved code that cannot be read is
never written over."""

from __future__ import annotations

import shutil

import pytest
from textual.widgets import TextArea

from tests.app_helpers import text_of, type_text, wait_for
from tests.block_helpers import BlockApp, demo_lesson
from tutor.content.model import Code
from tutor.i18n import t
from tutor.kernel.protocol import Stream
from tutor.ui.widgets.code_cell import CodeCell
from tutor.ui.widgets.output_view import MAX_OUTPUT_CHARS, OutputView

LESSON = demo_lesson()
CELL = next(b for s in LESSON.steps for b in s.blocks if isinstance(b, Code) and b.kind == "run")


def cell_app(tmp_path, kernel: bool = True) -> BlockApp:
    return BlockApp(tmp_path, lambda context: CodeCell(CELL, context), kernel=kernel)


async def run_code(pilot, cell: CodeCell, source: str) -> CodeCell.Finished:
    """Put `source` in the editor, run it as ctrl+r does, return the cell's Finished message."""
    cell.editor.text = source
    cell.editor.focus()
    before = len(pilot.app.messages)
    cell.run()

    def finished() -> CodeCell.Finished | None:
        return next((m for m in pilot.app.messages[before:] if isinstance(m, CodeCell.Finished)), None)

    message = await wait_for(pilot, finished, 90, "the run to finish")
    await pilot.pause()
    return message


def visible_lines(view: OutputView) -> list[str]:
    """The output lines inside the view's window (what the learner sees without scrolling)."""
    lines = text_of(view.query_one("#output-text")).split("\n")
    top = round(view.scroll_y)
    return lines[top : top + view.scrollable_content_region.height]


async def test_the_error_after_twenty_lines_is_in_view_and_the_rest_a_scroll_away(tmp_path):
    app = cell_app(tmp_path)
    messages: list[object] = []
    app.messages = messages  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        cell = app.query_one(CodeCell)
        finished = await run_code(pilot, cell, "for i in range(20):\n    print(i)\n1/0\n")
        assert finished.status == "error"
        view = cell.output
        shown = visible_lines(view)
        assert any("ZeroDivisionError" in line for line in shown), shown
        assert "0" not in [line.strip() for line in shown]  # the top is scrolled away...
        view.focus()
        await pilot.press("home")
        # ...and the learner can scroll back to it
        await wait_for(pilot, lambda: visible_lines(view)[0].strip() == "0", 10, "the top of the output")


async def test_a_flood_keeps_its_end_and_says_how_much_was_dropped(tmp_path):
    app = cell_app(tmp_path)
    messages: list[object] = []
    app.messages = messages  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        cell = app.query_one(CodeCell)
        await run_code(pilot, cell, "for i in range(5000):\n    print('line', i)\n")
        view = cell.output
        assert visible_lines(view)[-1].strip() == "line 4999"
        note = text_of(view.query_one("#output-text")).split("\n")[0]
        kept = view.plain
        assert len(kept) <= MAX_OUTPUT_CHARS
        dropped = 5000 - kept.count("\n")
        assert f"{dropped} earlier lines" in note, note
        assert kept.startswith("line ")  # cut at a line start, not in the middle of one


async def test_a_recursion_errors_last_line_is_shown(tmp_path):
    app = cell_app(tmp_path)
    messages: list[object] = []
    app.messages = messages  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        cell = app.query_one(CodeCell)
        await run_code(pilot, cell, "def f(n):\n    return f(n + 1)\nf(0)\n")
        shown = [line for line in visible_lines(cell.output) if line.strip()]
        assert shown[-1].startswith("RecursionError"), shown


async def test_control_characters_from_the_kernel_are_shown_not_sent(tmp_path):
    app = cell_app(tmp_path)
    messages: list[object] = []
    app.messages = messages  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        cell = app.query_one(CodeCell)
        await run_code(pilot, cell, r"print('A\x1b[?1049l\x1b[2J\x1b]0;pwned\x07')" + "\n")
        assert "A\\x1b[?1049l\\x1b[2J\\x1b]0;pwned\\x07" in cell.output.plain
        shown = text_of(cell.output.query_one("#output-text"))
        assert "\x1b" not in shown and "\x07" not in shown


async def test_saved_code_that_cannot_be_read_is_read_only_and_never_written_over(tmp_path):
    app = cell_app(tmp_path, kernel=False)
    # the learner's saved copy is there but cannot be read (a directory where the file should be)
    saved = app.store.cell_path(LESSON.key, CELL.cell_id)
    saved.mkdir(parents=True)
    (saved / "inside").write_text("the learner's work", encoding="utf-8")
    async with app.run_test(size=(80, 24)) as pilot:
        cell = app.query_one(CodeCell)
        editor = cell.query_one(TextArea)
        assert editor.read_only
        message = text_of(cell.query_one("#read-error"))
        assert str(saved) in message and "read-only" in message
        editor.focus()
        await type_text(pilot, "oops")
        cell.flush()
        await pilot.pause()
        assert editor.text == CELL.source
        assert cell.reset() is False
    assert saved.is_dir() and (saved / "inside").read_text(encoding="utf-8") == "the learner's work"


async def test_a_second_run_while_one_is_on_only_says_so(tmp_path):
    app = cell_app(tmp_path)
    messages: list[object] = []
    app.messages = messages  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        cell = app.query_one(CodeCell)
        cell.editor.text = "import time\ntime.sleep(1)\nprint('once')\n"
        cell.run()
        await pilot.pause()
        assert cell.running and cell.query_one("#run").disabled
        cell.run()  # ctrl+r again while it runs
        await pilot.pause()
        assert [m for m in messages if isinstance(m, CodeCell.AlreadyRunning)]
        await wait_for(pilot, lambda: [m for m in messages if isinstance(m, CodeCell.Finished)], 90, "the run")
        await pilot.pause(0.5)
        assert len({id(m) for m in messages if isinstance(m, CodeCell.Finished)}) == 1
        assert cell.output.plain.count("once") == 1 and not cell.running
        assert not cell.query_one("#run").disabled


async def test_a_failure_inside_the_tutor_is_said_and_the_cell_can_run_again(tmp_path):
    app = cell_app(tmp_path, kernel=False)
    messages: list[object] = []

    async def broken(code: str, cell_id: str = "", namespace: str = ""):
        yield Stream("stdout", "half\n")
        raise RuntimeError("the event handling broke")

    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        app.host.execute = broken  # type: ignore[method-assign]
        cell = app.query_one(CodeCell)
        cell.run()
        failed = await wait_for(
            pilot, lambda: next((m for m in messages if isinstance(m, CodeCell.Failed)), None), 10, "Failed"
        )
        await pilot.pause()
        assert "the event handling broke" in failed.error
        assert not cell.running
        shown = cell.output.plain
        assert "running" not in shown and "The tutor failed here, not your code" in shown


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_a_cell_printing_terminal_escapes_leaves_the_real_terminal_as_it_was(tmp_path):
    """Issue 11: in a real terminal, the pane's title, alternate screen and mouse modes are unchanged."""
    from tests.test_e2e_tmux import ENV_UNSET, Terminal, builtin_lessons, tutor_argv

    lesson = builtin_lessons("en")[0]
    cell = next(b for b in lesson.steps[0].blocks if isinstance(b, Code) and b.kind == "run")
    # the learner's saved cell: what a library that colours its output, or a prank, prints
    saved = tmp_path / "data" / "cells" / lesson.key / f"{cell.cell_id.rsplit(':', 1)[1]}.py"
    saved.parent.mkdir(parents=True)
    saved.write_text(r"print('A\x1b[?1049l\x1b[2J\x1b]0;pwned\x07\x1b[?1000l\x1b[5mB')" + "\n", encoding="utf-8")
    modes = "#{pane_title}|#{alternate_on}|#{mouse_any_flag}|#{mouse_button_flag}|#{mouse_sgr_flag}"

    terminal = Terminal(tmp_path)
    try:
        terminal.start(tutor_argv(tmp_path / "data"), {"TERM": "xterm-256color", "LANG": "C.UTF-8"}, ENV_UNSET)
        terminal.wait_for_text(t("app.title", "en"), lesson.title, timeout=60)
        terminal.keys("Enter")
        terminal.wait_for_text(t("lesson.step", "en", n=1, m=len(lesson.steps)), timeout=60)
        before = terminal.tmux("display-message", "-p", "-t", "tutor", modes)
        assert "|1|" in before  # the app is in the alternate screen
        terminal.keys("C-r")
        screen = terminal.wait_for_text("A\\x1b[?1049l", timeout=90)
        assert "pwned\\x07" in screen
        after = terminal.tmux("display-message", "-p", "-t", "tutor", modes)
        assert after == before and "pwned" not in after
        terminal.keys("C-q", pause=0)
        assert terminal.exit_status() == 0
    finally:
        terminal.close()


async def test_in_the_lesson_shift_tab_from_the_editor_reaches_the_output_to_scroll_it(tmp_path):
    from tests.app_helpers import fixture_app, open_demo_lesson

    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Code")
        cell = app.screen.query_one(CodeCell)
        cell.editor.text = "for i in range(40):\n    print('row', i)\n"
        await pilot.press("tab", "enter")  # select the cell, go into its editor
        await pilot.pause()
        assert app.focused is cell.editor
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "row 39" in "\n".join(visible_lines(cell.output)), 90, "the output's end")
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is cell.output
        await pilot.press("home")
        await wait_for(pilot, lambda: visible_lines(cell.output)[0].strip() == "row 0", 10, "the output's top")
        assert cell.editor.text.endswith("print('row', i)\n")  # nothing was typed into the code
