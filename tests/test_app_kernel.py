"""Learner code that misbehaves never takes the app down: each fault through the app."""

from __future__ import annotations

from textual.widgets import TextArea

from tests.app_helpers import fixture_app, open_demo_lesson, wait_for
from tutor.kernel.client import KernelOptions
from tutor.ui.widgets.code_cell import CodeCell


async def run_cell(pilot, cell: CodeCell, code: str) -> None:
    editor = cell.query_one(TextArea)
    editor.text = code
    editor.focus()
    await pilot.press("ctrl+r")


async def test_interrupt_restart_and_death_keep_the_app_and_progress(tmp_path):
    app = fixture_app(tmp_path, kernel_options=KernelOptions(memory_bytes=2 << 30, interrupt_grace=2.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Code")
        await app.kernel.client.wait_ready(60)
        cell = app.screen.query_one(CodeCell)
        progress_file = tmp_path / "progress.json"
        assert progress_file.exists()
        pid = app.kernel.client.pid

        # an endless loop stops at ctrl+c; the same kernel runs the next cell, variables kept
        await run_cell(pilot, cell, "kept = 7\nwhile True:\n    pass")
        await wait_for(pilot, lambda: app.kernel.client.busy, 10, "the loop to start")
        await pilot.pause(0.3)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: "interrupted" in cell.output.plain, 2.0, "the interrupt")
        await run_cell(pilot, cell, "kept * 6")
        await wait_for(pilot, lambda: "42" in cell.output.plain, 10, "the next cell")
        assert app.kernel.client.pid == pid

        # a long C-level call ignores SIGINT until it returns: the kernel is restarted
        await run_cell(pilot, cell, "torch.linalg.svd(torch.randn(2500, 2500, dtype=torch.float64))")
        await wait_for(pilot, lambda: app.kernel.client.busy, 10, "the call to start")
        await pilot.pause(0.5)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: "restarted" in cell.output.plain, 10, "the restart")
        await wait_for(pilot, lambda: app.kernel.client.ready, 60, "the new kernel")
        assert app.kernel.client.pid != pid

        # the kernel process dies: reported in plain words, restarted, app and progress intact
        pid = app.kernel.client.pid
        await run_cell(pilot, cell, "import os\nos._exit(3)")
        await wait_for(pilot, lambda: "exited with status 3" in cell.output.plain, 10, "the death report")
        await wait_for(pilot, lambda: app.kernel.client.ready, 60, "the new kernel")
        assert app.kernel.client.pid != pid

        # a memory bomb meets the address-space limit
        await run_cell(pilot, cell, "hog = [bytearray(1 << 30) for _ in range(8)]")
        await wait_for(pilot, lambda: "MemoryError" in cell.output.plain or "kernel stopped" in cell.output.plain, 30, "the memory bomb")
        await run_cell(pilot, cell, "6 * 7")
        await wait_for(pilot, lambda: "42" in cell.output.plain, 60, "a cell after the bomb")
        assert app.is_running
        assert progress_file.exists() and "demo" in progress_file.read_text()
        await pilot.press("ctrl+q")
