"""Learner code that misbehaves never takes the app down, and the learner controls the kernel:
each fault, restart and refusal through the app, asserted on what the learner is told."""

from __future__ import annotations

import os
import signal

from textual.widgets import TextArea

from tests.app_helpers import fixture_app, notices, open_demo_lesson, wait_for
from tutor.i18n import t
from tutor.ui.screens.confirm import ConfirmScreen
from tutor.ui.widgets.block import LessonBlock
from tutor.ui.widgets.code_cell import CodeCell


async def run_cell(pilot, cell: CodeCell, code: str) -> None:
    editor = cell.query_one(TextArea)
    editor.text = code
    editor.focus()
    await pilot.press("ctrl+r")


async def ready_code_step(pilot) -> CodeCell:
    await open_demo_lesson(pilot, "Code")
    await wait_for(pilot, lambda: pilot.app.host.ready, 60, "the kernel")
    return pilot.app.screen.query_one(CodeCell)


async def test_interrupt_restart_and_death_keep_the_app_and_progress(tmp_path):
    app = fixture_app(tmp_path, kernel_memory=2 << 30)
    async with app.run_test(size=(80, 24)) as pilot:
        cell = await ready_code_step(pilot)
        progress_file = tmp_path / "progress.json"
        assert progress_file.exists()
        pid = app.host.pid

        # an endless loop stops at ctrl+c; the same kernel runs the next cell, variables kept
        await run_cell(pilot, cell, "kept = 7\nwhile True:\n    pass")
        await wait_for(pilot, lambda: app.host.busy, 10, "the loop to start")
        await pilot.pause(0.3)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: "interrupted" in cell.output.plain, 2.0, "the interrupt")
        await run_cell(pilot, cell, "kept * 6")
        await wait_for(pilot, lambda: "42" in cell.output.plain, 10, "the next cell")
        assert app.host.pid == pid

        # a long C-level call ignores SIGINT until it returns: the kernel is restarted
        await run_cell(pilot, cell, "torch.linalg.svd(torch.randn(2500, 2500, dtype=torch.float64))")
        await wait_for(pilot, lambda: app.host.busy, 10, "the call to start")
        await pilot.pause(0.5)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: "restarted" in cell.output.plain, 30, "the restart")
        await wait_for(pilot, lambda: app.host.ready, 60, "the new kernel")
        assert app.host.pid != pid

        # the kernel process dies: reported in plain words, restarted, app and progress intact
        pid = app.host.pid
        await run_cell(pilot, cell, "import os\nos._exit(3)")
        await wait_for(pilot, lambda: "exited with status 3" in cell.output.plain, 10, "the death report")
        await wait_for(pilot, lambda: app.host.ready, 60, "the new kernel")
        assert app.host.pid != pid

        # a memory bomb meets the address-space limit
        await run_cell(pilot, cell, "hog = [bytearray(1 << 30) for _ in range(8)]")
        await wait_for(
            pilot, lambda: "MemoryError" in cell.output.plain or "kernel stopped" in cell.output.plain, 30, "the bomb"
        )
        await run_cell(pilot, cell, "6 * 7")
        await wait_for(pilot, lambda: "42" in cell.output.plain, 60, "a cell after the bomb")
        assert app.is_running
        assert progress_file.exists() and "demo" in progress_file.read_text()
        await pilot.press("ctrl+q")


async def test_k_restarts_the_kernel_and_says_the_variables_are_gone(tmp_path):
    messages: list = []
    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        cell = await ready_code_step(pilot)
        await run_cell(pilot, cell, "kept = 7")
        await wait_for(pilot, lambda: not app.host.busy and "no output" in cell.output.plain, 30, "the cell")
        pid = app.host.pid
        await pilot.press("escape", "k")  # command mode: nothing is running, so no question
        await wait_for(pilot, lambda: t("shell.restarted", "en") in notices(messages), 30, "the restart notice")
        await wait_for(pilot, lambda: app.host.ready and app.host.pid != pid, 60, "the new kernel")
        await run_cell(pilot, cell, "kept")
        await wait_for(pilot, lambda: "NameError" in cell.output.plain, 30, "the forgotten variable")


async def test_restarting_while_code_runs_asks_first(tmp_path):
    messages: list = []
    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        cell = await ready_code_step(pilot)
        pid = app.host.pid
        await run_cell(pilot, cell, "while True:\n    pass")
        await wait_for(pilot, lambda: app.host.busy, 10, "the loop to start")
        await pilot.press("escape", "k")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: the run goes on, in the same kernel
        await pilot.pause()
        assert app.host.busy and app.host.pid == pid
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("y")
        await wait_for(pilot, lambda: t("shell.restarted", "en") in notices(messages), 30, "the restart")
        await wait_for(pilot, lambda: app.host.ready and app.host.pid != pid, 60, "the new kernel")


async def test_a_kernel_killed_while_idle_is_reported_at_once(tmp_path):
    messages: list = []
    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await ready_code_step(pilot)
        os.kill(app.host.pid, signal.SIGKILL)
        said = lambda: [n for n in notices(messages) if "stopped while idle" in n]  # noqa: E731
        notice = await wait_for(pilot, said, 15, "the death notice")
        assert "variables are gone" in notice[0]


async def test_a_second_ctrl_r_while_running_says_so_and_runs_nothing_more(tmp_path):
    messages: list = []
    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        cell = await ready_code_step(pilot)
        await run_cell(pilot, cell, "import time\ntime.sleep(30)")
        await wait_for(pilot, lambda: app.host.busy, 10, "the run to start")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert any(isinstance(m, LessonBlock.AlreadyRunning) for m in messages)
        assert t("shell.already_running", "en") in notices(messages)
        await pilot.press("ctrl+c")


async def test_a_failure_inside_the_tutor_is_shown_not_left_running(tmp_path):
    messages: list = []
    app = fixture_app(tmp_path, start_kernel=False)

    def broken_execute(*args, **kwargs):
        raise RuntimeError("the host broke")

    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await open_demo_lesson(pilot, "Code")
        app.host.execute = broken_execute  # type: ignore[method-assign]
        cell = app.screen.query_one(CodeCell)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: any(isinstance(m, LessonBlock.Failed) for m in messages), 10, "Failed")
        shown = [n for n in notices(messages) if "the host broke" in n]
        assert shown and shown[0].startswith("Something went wrong inside the tutor")
        assert not cell.running


async def test_an_idle_kernel_is_stopped_and_the_header_and_learner_are_told(tmp_path):
    messages: list = []
    app = fixture_app(tmp_path, kernel_idle_timeout=1.0)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        cell = await ready_code_step(pilot)
        header = app.screen.query_one("#kernel")
        stopped = t("shell.kernel.stopped", "en")
        await wait_for(pilot, lambda: str(header.render()) == stopped, 30, "the idle stop in the header")
        assert t("shell.kernel_stopped_idle", "en") in notices(messages)
        await run_cell(pilot, cell, "6 * 7")  # the next run starts a new kernel
        await wait_for(pilot, lambda: "42" in cell.output.plain, 60, "the cell in a new kernel")
