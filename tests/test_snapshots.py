"""What the learner sees at 80x24, compared with approved screenshots (tests/__snapshots__).

Everything that changes from run to run is removed: cursors do not blink, times print as
"–" (stable_clock), experiments use a fixed seed. Update after a deliberate change with
`pytest tests/test_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from textual.widgets import Input, RadioSet, TextArea

from tests.app_helpers import fixture_app, open_demo_lesson, replace_input, status_text, wait_for
from tutor.ui.widgets.experiment import ExperimentPanel
from tutor.ui.widgets.quiz import QuizPanel


def still(app) -> None:
    for screen in app.screen_stack:
        for widget in screen.query("*"):
            if isinstance(widget, (Input, TextArea)):
                widget.cursor_blink = False


async def as_started(pilot) -> None:
    await pilot.pause()
    still(pilot.app)


def test_home(snap_compare, tmp_path):
    assert snap_compare(fixture_app(tmp_path, start_kernel=False, stable_clock=True), run_before=as_started)


def test_home_in_chinese(snap_compare, tmp_path):
    assert snap_compare(fixture_app(tmp_path, lang="zh", start_kernel=False, stable_clock=True), run_before=as_started)


def test_lesson_step_with_code(snap_compare, tmp_path):
    async def before(pilot):
        await open_demo_lesson(pilot, "Code")
        still(pilot.app)

    assert snap_compare(fixture_app(tmp_path, start_kernel=False, stable_clock=True), run_before=before)


def test_experiment_after_a_seeded_run(snap_compare, tmp_path):
    async def before(pilot):
        await open_demo_lesson(pilot, "Experiment")
        await pilot.app.kernel.client.wait_ready(60)
        panel = pilot.app.screen.query_one(ExperimentPanel)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "done" in status_text(panel), 60, "the run")
        pilot.app.screen.focus_next()
        await pilot.pause()
        still(pilot.app)

    assert snap_compare(fixture_app(tmp_path, stable_clock=True), run_before=before)


def test_quiz_after_a_wrong_answer(snap_compare, tmp_path):
    async def before(pilot):
        await open_demo_lesson(pilot, "Quizzes")
        quiz = pilot.app.screen.query(QuizPanel).first()
        quiz.query_one(RadioSet).focus()
        await pilot.press("down", "enter", "ctrl+r")
        await pilot.pause()
        still(pilot.app)

    assert snap_compare(fixture_app(tmp_path, start_kernel=False, stable_clock=True), run_before=before)


def test_terminal_too_small(snap_compare, tmp_path):
    assert snap_compare(
        fixture_app(tmp_path, start_kernel=False, stable_clock=True), run_before=as_started, terminal_size=(60, 20)
    )
