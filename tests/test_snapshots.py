"""What the learner sees at 80x24, compared with approved screenshots (tests/__snapshots__).

Everything that changes from run to run is removed by the `stable_app` fixture (tests/conftest.py):
cursors do not blink, times print as "–", experiments use a fixed seed. Update after a deliberate
change with `pytest tests/test_snapshots.py --snapshot-update` and look at every changed SVG.
"""

from __future__ import annotations

from tests.app_helpers import open_demo_lesson, status_text, wait_for
from tutor.ui.widgets.experiment import ExperimentPanel
from tutor.ui.widgets.quiz import QuizPanel


async def settle(pilot) -> None:
    await pilot.pause()


def test_home(snap_compare, stable_app):
    assert snap_compare(stable_app(start_kernel=False), run_before=settle)


def test_home_in_chinese(snap_compare, stable_app):
    assert snap_compare(stable_app(lang="zh", start_kernel=False), run_before=settle)


def test_lesson_step_with_code_selected(snap_compare, stable_app):
    """Command mode: the cell is selected (heavy border), the footer offers enter to edit it."""

    async def before(pilot):
        await open_demo_lesson(pilot, "Code")

    assert snap_compare(stable_app(start_kernel=False), run_before=before)


def test_lesson_step_with_code_being_edited(snap_compare, stable_app):
    """Edit mode: a double border, and the footer says esc leaves the editor."""

    async def before(pilot):
        await open_demo_lesson(pilot, "Code")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(stable_app(start_kernel=False), run_before=before)


def test_help(snap_compare, stable_app):
    assert snap_compare(stable_app(start_kernel=False), press=["question_mark"], run_before=settle)


def test_course_record_at_the_end(snap_compare, stable_app):
    async def before(pilot):
        await open_demo_lesson(pilot, "Your turn")
        # past the demo's last step comes the next lesson; through its two steps, the end
        for _ in range(3):
            await pilot.press("n")
            await pilot.pause()

    assert snap_compare(stable_app(start_kernel=False), run_before=before)


def test_experiment_after_a_seeded_run(snap_compare, stable_app):
    async def before(pilot):
        await open_demo_lesson(pilot, "Experiment")
        panel = pilot.app.screen.query_one(ExperimentPanel)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "done" in status_text(panel), 90, "the run")
        await pilot.pause()

    assert snap_compare(stable_app(), run_before=before)


def test_quiz_after_a_wrong_answer(snap_compare, stable_app):
    async def before(pilot):
        await open_demo_lesson(pilot, "Quizzes")
        quiz = pilot.app.screen.query(QuizPanel).first()
        wrong = next(i for i, choice in enumerate(quiz.quiz.choices) if not choice.correct)
        await pilot.press("enter")  # into the quiz's options
        await pilot.press(*["down"] * quiz.order.index(wrong), "space", "enter")  # pick, submit
        await pilot.pause()

    assert snap_compare(stable_app(start_kernel=False), run_before=before)


def test_terminal_too_small(snap_compare, stable_app):
    assert snap_compare(stable_app(start_kernel=False), run_before=settle, terminal_size=(60, 20))
