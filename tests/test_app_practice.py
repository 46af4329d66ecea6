"""The learner writes squared_loss in the app, is told what is wrong, fixes it, and watches it train."""

from __future__ import annotations

from textual.widgets import TextArea

from tests.app_helpers import fixture_app, open_demo_lesson, status_text, text_of, type_text, wait_for
from tutor.ui.widgets.exercise import ExercisePanel
from tutor.ui.widgets.experiment import ExperimentPanel
from tutor.ui.widgets.loss_plot import LossPlot

WRONG = "    return (y_hat - y) ** 2 / 2"
RIGHT = "    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2"


async def write_body(pilot, editor: TextArea, body: str) -> None:
    """Replace the starter's `...` line by typing the body, as a learner does."""
    editor.focus()
    editor.select_line(1)
    await pilot.press("backspace")
    await type_text(pilot, body)


async def test_wrong_then_right_squared_loss_trains_beside_the_core(tmp_path):
    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Your turn")
        panel = app.screen.query_one(ExercisePanel)
        editor = panel.query_one(TextArea)
        assert editor.text.startswith("def squared_loss(y_hat, y):")

        await write_body(pilot, editor, WRONG)
        await pilot.press("ctrl+r")
        diagnosis = await wait_for(
            pilot, lambda: "Not yet" in text_of(panel.query_one("#diagnosis")) and text_of(panel.query_one("#diagnosis")), 60, "the diagnosis"
        )
        assert "(10, 10)" in diagnosis and "reshape" in diagnosis

        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "Hint 1 of 3" in text_of(panel.query_one("#hints"))

        await write_body(pilot, editor, RIGHT)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "passes every case" in text_of(panel.query_one("#diagnosis")), 60, "the pass")
        then = await wait_for(pilot, lambda: panel.query(ExperimentPanel).first() if panel.query(ExperimentPanel) else None, 10, "the then: run")
        await wait_for(pilot, lambda: "done" in status_text(then), 60, "the then: run to finish")
        series = then.query_one(LossPlot).series
        assert set(series) == {"core: loss", "yours: loss"}
        # the learner's correct loss trains exactly like the core's, step for step
        assert series["core: loss"] == series["yours: loss"]
        assert "your curve is the core's, step for step" in status_text(then)

        state = app.store.exercise_state("demo", "demo-squared-loss")
        assert state.attempts == 2 and state.hints_used == 1 and state.first_pass is not None
        await pilot.press("ctrl+q")

    again = fixture_app(tmp_path, start_kernel=False)
    async with again.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Your turn")
        assert RIGHT in again.screen.query_one(ExercisePanel).query_one(TextArea).text
        assert "Hint 1 of 3" in text_of(again.screen.query_one(ExercisePanel).query_one("#hints"))


async def test_a_solution_that_hangs_or_exits_is_reported_and_the_app_stays_up(tmp_path):
    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Your turn")
        panel = app.screen.query_one(ExercisePanel)
        editor = panel.query_one(TextArea)
        diagnosis = lambda: text_of(panel.query_one("#diagnosis"))  # noqa: E731

        editor.text = "def squared_loss(y_hat, y):\n    while True:\n        pass\n"
        editor.focus()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "Not yet" in diagnosis(), 60, "the time limit")
        assert "s" in diagnosis() and ("finish" in diagnosis() or "time" in diagnosis())

        editor.text = "import os\ndef squared_loss(y_hat, y):\n    os._exit(1)\n"
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "exited with status 1" in diagnosis(), 60, "the death report")
        assert app.is_running
        await wait_for(pilot, lambda: app.kernel.client.ready, 60, "a new kernel")
        await pilot.press("ctrl+q")
