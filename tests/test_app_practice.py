"""The learner writes squared_loss in the app, is told what is wrong, fixes it, and watches it train."""

from __future__ import annotations

import shutil

import pytest
from textual.widgets import TextArea

from tests.app_helpers import fixture_app, open_demo_lesson, status_text, text_of, type_text, wait_for
from tests.block_helpers import BlockApp
from tutor.content.discover import builtin_lessons_dir, load_course
from tutor.content.model import Exercise
from tutor.i18n import t
from tutor.settings import Settings
from tutor.ui.app import make_app
from tutor.ui.widgets.code_cell import CodeView
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
        shown = lambda: text_of(panel.query_one("#diagnosis"))  # noqa: E731
        diagnosis = await wait_for(pilot, lambda: "Not yet" in shown() and shown(), 60, "the diagnosis")
        assert "(10, 10)" in diagnosis and "reshape" in diagnosis

        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "Hint 1 of 3" in text_of(panel.query_one("#hints"))

        await write_body(pilot, editor, RIGHT)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "passes every case" in text_of(panel.query_one("#diagnosis")), 60, "the pass")
        then = await wait_for(pilot, lambda: next(iter(panel.query(ExperimentPanel)), None), 10, "the then: run")
        await wait_for(pilot, lambda: "done" in status_text(then), 60, "the then: run to finish")
        series = then.query_one(LossPlot).series
        assert set(series) == {"core", "yours"}
        # the learner's correct loss trains exactly like the core's, step for step
        assert series["core"] == series["yours"]
        assert "your curve is the core's, step for step" in status_text(then)

        state = app.store.exercise_state(app.screen.lesson.key, "demo-squared-loss")
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
        await wait_for(pilot, lambda: app.host.ready, 60, "a new kernel")
        await pilot.press("ctrl+q")


# -- issue 11's one crash: leaving or quitting right after typing ------------------------------


def course_app(tmp_path, **settings):
    """The built-in course, as `python -m tutor` opens it."""
    return make_app(Settings(data_dir=tmp_path, cursor_blink=False, **settings), start_kernel=False)


async def into_exercise_editor(pilot) -> TextArea:
    """Home -> 01-data -> ctrl+n three times -> into the exercise's editor (tab, or enter on the
    selected block)."""
    app = pilot.app
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    for _ in range(3):
        await pilot.press("ctrl+n")
        await pilot.pause()
    panel = app.screen.query_one(ExercisePanel)
    editor = panel.query_one(TextArea)
    for _ in range(8):
        if app.focused is editor:
            return editor
        await pilot.press("enter" if app.focused is panel else "tab")
        await pilot.pause()
    raise AssertionError(f"could not get into the exercise's editor (focus: {app.focused!r})")


@pytest.mark.parametrize("way_out", [("ctrl+p",), ("ctrl+n",), ("escape", "escape"), ("ctrl+q",)])
async def test_leaving_right_after_typing_saves_the_edit_and_does_not_crash(tmp_path, way_out):
    app = course_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await into_exercise_editor(pilot)
        editor.move_cursor(editor.document.end)
        await type_text(pilot, "# x")
        await pilot.press(*way_out)  # at once: before the 0.3 s save timer fires
        await pilot.pause()
        if way_out != ("ctrl+q",):
            assert app.is_running and not app.screen.query(ExercisePanel)
    assert app.return_code in (0, None)
    saved = app.store.exercise_path("data", "synthetic-data").read_text(encoding="utf-8")
    assert saved.rstrip().endswith("# x")


# -- what the panel shows -------------------------------------------------------------------------


def exercise_app(tmp_path, exercise: Exercise, lesson) -> BlockApp:
    return BlockApp(tmp_path, lambda context: ExercisePanel(exercise, context), lesson=lesson)


def builtin_exercise(lesson_id: str):
    lessons = load_course(builtin_lessons_dir()).lessons
    lesson = next(lesson for lesson in lessons if lesson.id == lesson_id and lesson.lang == "en")
    return lesson, lesson.exercises()[0]


async def test_before_the_first_check_nothing_empty_is_drawn(tmp_path):
    lesson, exercise = builtin_exercise("data")
    app = exercise_app(tmp_path, exercise, lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.query_one(ExercisePanel)
        editor = panel.query_one(TextArea)
        controls = panel.query_one(".controls")
        # the box holds its editor and its Check button with the key line, and nothing else
        assert panel.outer_size.height == editor.outer_size.height + controls.outer_size.height + 2
        assert not panel.query_one("#solution-button").display  # no solution to offer yet


BUILTIN_EXERCISES = [
    (lesson, exercise) for lesson in load_course(builtin_lessons_dir()).lessons for exercise in lesson.exercises()
]


@pytest.mark.parametrize(
    ("lesson", "exercise"), BUILTIN_EXERCISES, ids=[f"{l.stem}.{l.lang}" for l, _ in BUILTIN_EXERCISES]
)
async def test_every_starter_fits_the_editor_at_80x24(tmp_path, lesson, exercise):
    app = exercise_app(tmp_path, exercise, lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = app.query_one(ExercisePanel).query_one(TextArea)
        wide = [line for line in exercise.starter.splitlines() if len(line) > 40]
        # no line of the starter runs past the editor's right edge (it would scroll sideways)
        assert editor.max_scroll_x == 0, wide


async def test_the_solution_is_offered_only_after_the_hints_and_its_viewing_is_recorded(tmp_path):
    lesson, exercise = builtin_exercise("data")
    assert exercise.solution and exercise.reveal == "after-hints"
    messages: list[object] = []
    app = exercise_app(tmp_path, exercise, lesson)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await pilot.pause()
        panel = app.query_one(ExercisePanel)
        button = panel.query_one("#solution-button")
        for n in range(1, len(exercise.hints) + 1):
            assert not button.display  # hints first
            panel.hint()
            await pilot.pause()
            assert f"Hint {n} of {len(exercise.hints)}" in text_of(panel.query_one("#hints"))
        assert button.display and not panel.query("#solution")
        panel.hint()  # past the last hint: offered, not shown
        await pilot.pause()
        assert not panel.query("#solution") and not app.store.solution_seen(lesson.key, exercise.id)
        panel.hint()  # asked again: shown
        await pilot.pause()
        assert panel.query("#solution") and not button.display
        assert "return X, y.reshape((-1, 1))" in panel.query_one("#solution", CodeView).source
        assert app.store.solution_seen(lesson.key, exercise.id)
        assert any(isinstance(m, ExercisePanel.SolutionShown) for m in messages)
    # seen once, shown again when the learner comes back
    again = exercise_app(tmp_path, exercise, lesson)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.query_one(ExercisePanel).query("#solution")


async def test_unreadable_saved_exercise_code_is_read_only_and_kept(tmp_path):
    lesson, exercise = builtin_exercise("data")
    app = exercise_app(tmp_path, exercise, lesson)
    saved = app.store.exercise_path(lesson.key, exercise.id)
    saved.mkdir(parents=True)  # there, but not readable as a file
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.query_one(ExercisePanel)
        editor = panel.query_one(TextArea)
        assert editor.read_only and str(saved) in text_of(panel.query_one("#read-error"))
        editor.focus()
        await type_text(pilot, "x")
        panel.flush()
        assert panel.reset() is False
    assert saved.is_dir() and not list(saved.iterdir())


async def test_a_failure_inside_the_tutor_does_not_leave_checking_for_good(tmp_path):
    lesson, exercise = builtin_exercise("data")
    app = exercise_app(tmp_path, exercise, lesson)
    messages: list[object] = []

    async def broken(implements: str, source: str):
        raise RuntimeError("no verdict today")
        yield  # an async generator, as the host's are

    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        app.host.check = broken  # type: ignore[method-assign]
        panel = app.query_one(ExercisePanel)
        panel.run()
        await wait_for(pilot, lambda: any(isinstance(m, ExercisePanel.Failed) for m in messages), 10, "Failed")
        await pilot.pause()
        diagnosis = text_of(panel.query_one("#diagnosis"))
        assert "checking" not in diagnosis and "no verdict today" in diagnosis
        assert not panel.running


# -- issue 10: the payoff of an exercise is reachable at 80x24, in a real terminal ----------------


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_after_a_pass_the_runs_status_and_facts_are_reached_by_scrolling_at_80x24(tmp_path):
    from tests.test_e2e_tmux import ENV_UNSET, Terminal, builtin_lessons, tutor_argv

    lessons = builtin_lessons("en")
    index, lesson = next((i, l) for i, l in enumerate(lessons) if l.id == "loss")
    target = next(i for i, step in enumerate(lesson.steps) if any(isinstance(b, Exercise) for b in step.blocks))
    exercise = lesson.exercises()[0]
    saved = tmp_path / "data" / "exercises" / f"{exercise.id}.py"
    saved.parent.mkdir(parents=True)
    saved.write_text(exercise.solution, encoding="utf-8")  # the learner's passing function, typed earlier

    terminal = Terminal(tmp_path)
    try:
        terminal.start(tutor_argv(tmp_path / "data"), {"TERM": "xterm-256color", "LANG": "C.UTF-8"}, ENV_UNSET)
        # the machine may be busy (a class shares a few cores): generous waits, no sleeps
        terminal.wait_for_text(t("app.title", "en"), lesson.title, timeout=60)
        # the list opens on "Start with: …"; the course's lessons follow its heading
        terminal.keys(*["Down"] * (index + 1), "Enter")
        terminal.wait_for_text(lesson.title, t("lesson.step", "en", n=1, m=len(lesson.steps)), timeout=60)
        for n in range(1, target + 1):
            terminal.keys("C-n")
            terminal.wait_for_text(t("lesson.step", "en", n=n + 1, m=len(lesson.steps)), timeout=60)
        terminal.keys("C-r")
        terminal.wait_for_text("passes every case", timeout=90)
        def paging(key: str, wanted: str):
            def reached(screen: str) -> bool:
                # the learner pages through the step, reading as they go; a status may wrap
                if wanted in " ".join(" ".join(line.strip("│┃ ").split()) for line in screen.splitlines()):
                    return True
                terminal.keys(key, pause=0.2)
                return False

            return reached

        # down to the learner's facts at the end of the run, then back up to the run's status
        # (the learner's facts sit under "yours:", the last group; the errors' sign closes them)
        terminal.wait_for(paging("PageDown", t("experiment.error_sign", "en")), "the learner's facts", timeout=90)
        assert "yours:" in terminal.screen()
        terminal.wait_for(paging("PageUp", t("exp.same", "en")), "the run's status", timeout=60)
        terminal.keys("C-q", pause=0)
        assert terminal.exit_status() == 0
    finally:
        terminal.close()
