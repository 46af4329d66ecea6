"""A learner takes the demo lesson through the app: steps, a code cell, an experiment, quizzes,
then quits and comes back to the same place."""

from __future__ import annotations

import pytest
from textual.widgets import Input, RadioSet, TextArea

from tests.app_helpers import (
    fixture_app,
    open_demo_lesson,
    replace_input,
    status_text,
    text_of,
    type_text,
    wait_for,
)
from tutor.scratch.exercises import EXPERIMENTS, make_data
from tutor.scratch.train import train
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.widgets.code_cell import CodeCell
from tutor.ui.widgets.experiment import ExperimentPanel
from tutor.ui.widgets.loss_plot import LossPlot
from tutor.ui.widgets.quiz import QuizPanel


async def test_home_lists_lessons_and_a_broken_file_with_its_error(tmp_path):
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#lessons")
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Demo lesson" in line for line in lines)
        broken = next(i for i, line in enumerate(lines) if "02-broken.md" in line)
        options.highlighted = broken
        await pilot.pause()
        detail = text_of(app.screen.query_one("#detail"))
        assert "02-broken.md:7:" in detail and "quizz" in detail


async def test_a_whole_lesson_then_resume(tmp_path):
    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Demo lesson")  # the text before the first ## heading
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert any("nothing to run" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        assert "step 2 of 5" in text_of(screen.query_one("#title"))

        # edit the cell by typing, run it, read its output
        cell = screen.query_one(CodeCell)
        editor = cell.query_one(TextArea)
        await pilot.press("tab")
        assert app.focused is editor
        editor.move_cursor(editor.document.end)
        await type_text(pilot, "\nprint(x + 1)")
        await pilot.press("ctrl+r")
        output = await wait_for(pilot, lambda: "43" in cell.output.plain and cell.output.plain, what="cell output")
        assert "hello from the kernel" in output and "42" not in output.split("43")[1]
        # ctrl+o puts the lesson's code back, ctrl+z takes that back
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert editor.text == cell.code.source
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "print(x + 1)" in editor.text

        # the experiment: bad inputs get inline messages, not a crash
        await pilot.press("ctrl+n")
        await pilot.pause()
        panel = app.screen.query_one(ExperimentPanel)
        lr = panel.query_one("#param-lr", Input)
        batch = panel.query_one("#param-batch_size", Input)
        for bad, words in [("abc", "number"), ("-1", "learning rate"), ("1e309", "large")]:
            await replace_input(pilot, lr, bad)
            assert words in text_of(panel.query_one("#param-errors")), bad
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Fix the values" in status_text(panel)
        await replace_input(pilot, lr, "0.05")
        await replace_input(pilot, batch, "5000")
        assert "batch" in text_of(panel.query_one("#param-errors"))
        await replace_input(pilot, batch, "20")
        assert text_of(panel.query_one("#param-errors")) == ""

        # a run to the end draws exactly the core's losses for that seed
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "done" in status_text(panel), 60, "the experiment to finish")
        expected = EXPERIMENTS["train"](seed=0, lr=0.05, batch_size=20, num_epochs=1)["curves"]["loss"]
        xs, ys = panel.query_one(LossPlot).series["loss"]
        assert (xs, ys) == (expected["x"], expected["y"])
        # and that is the core's own History for this seed, step for step
        features, labels = make_data(0)
        history = train(features, labels, lr=0.05, batch_size=20, num_epochs=1, seed=0)
        assert ys == history.step_losses and xs == list(range(1, 51))
        assert len(ys) == 50  # 1000 samples / 20 per batch, one epoch
        assert "w_hat" in text_of(panel.query_one("#facts"))

        # a long run can be cancelled, and the kernel stays warm
        pid = app.kernel.client.pid
        epochs = panel.query_one("#param-num_epochs", Input)
        await replace_input(pilot, epochs, "50")
        await replace_input(pilot, batch, "1")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "epoch" in status_text(panel), 30, "points to stream")
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: "cancelled" in status_text(panel), 5, "the cancel")
        assert app.kernel.client.pid == pid

        # quizzes: each type, wrong then right
        await pilot.press("ctrl+n")
        await pilot.pause()
        quizzes = {q.quiz.id: q for q in app.screen.query(QuizPanel)}
        choice = quizzes["demo-choice"]
        radio = choice.query_one(RadioSet)
        radio.focus()
        await pilot.press("down", "enter")  # the second option: absolute loss
        await pilot.press("ctrl+r")
        await pilot.pause()
        feedback = text_of(choice.query_one("#feedback"))
        assert "Not quite" in feedback and "Not differentiable" in feedback
        await pilot.press("up", "enter", "ctrl+r")
        await pilot.pause()
        assert "Right" in text_of(choice.query_one("#feedback"))
        assert "(y_hat - y)**2 / 2" in text_of(choice.query_one("#feedback"))

        number = quizzes["demo-number"]
        await replace_input(pilot, number.query_one(Input), "41")
        await pilot.press("enter")
        await pilot.pause()
        assert "Not quite" in text_of(number.query_one("#feedback"))
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "15 * 64" in text_of(number.query_one("#feedback"))
        await replace_input(pilot, number.query_one(Input), "40")
        await pilot.press("enter")
        await pilot.pause()
        assert "Right" in text_of(number.query_one("#feedback"))

        text = quizzes["demo-text"]
        await replace_input(pilot, text.query_one(Input), "retain_graph")
        await pilot.press("enter")
        await pilot.pause()
        assert "Not quite" in text_of(text.query_one("#feedback"))
        await replace_input(pilot, text.query_one(Input), "create_graph=True")
        await pilot.press("enter")
        await pilot.pause()
        assert "Right" in text_of(text.query_one("#feedback"))
        await pilot.press("ctrl+q")

    # the same data dir: resume at the quiz step, answers and the edited cell kept
    again = fixture_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = again.screen.query_one("#lessons")
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "Continue: Demo lesson, step 4" in lines[0]
        assert any(line.startswith(" ◐ Demo lesson") for line in lines)  # in progress
        assert any(line.startswith(" · Paths and sweeps") for line in lines)  # not started
        await pilot.press("c")
        await pilot.pause()
        screen = again.screen
        assert screen.step == 3
        feedback = [text_of(q.query_one("#feedback")) for q in screen.query(QuizPanel)]
        assert all("Right" in f for f in feedback), feedback
        await pilot.press("ctrl+p", "ctrl+p")
        await pilot.pause()
        assert "print(x + 1)" in again.screen.query_one(CodeCell).query_one(TextArea).text


async def test_too_small_terminal_says_so_and_recovers_where_it_was(tmp_path):
    from tutor.ui.screens.too_small import TooSmallScreen

    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Code")
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "need 80x24, have 70x20" in text_of(app.screen.query_one("#message"))
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.step == 1


async def test_path_view_and_a_sweep_with_a_diverged_curve(tmp_path):
    from tutor.ui.widgets.loss_plot import PathPlot

    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#lessons")
        options.highlighted = next(
            i for i in range(options.option_count) if "Paths and sweeps" in str(options.get_option_at_index(i).prompt)
        )
        await pilot.press("enter")
        await pilot.pause()
        panel = app.screen.query_one(ExperimentPanel)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "done" in status_text(panel), 60, "the path run")
        path_plot = panel.query_one(PathPlot)
        assert path_plot.display and len(path_plot.paths["loss"]) == 101  # start + 100 steps
        assert path_plot.surface["center"][0] == pytest.approx(2.0, abs=0.01)
        await pilot.press("v")
        await pilot.pause()
        assert not path_plot.display and panel.query_one(LossPlot).display

        await pilot.press("ctrl+n")
        await pilot.pause()
        panel = app.screen.query_one(ExperimentPanel)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "done" in status_text(panel), 60, "the sweep")
        plot = panel.query_one(LossPlot)
        assert set(plot.series) == {"lr=0.03", "lr=3.0"}
        assert "lr=3.0: diverged at step" in status_text(panel)
        assert "lr=3.0" in plot.diverged


async def test_run_pressed_while_torch_loads_waits_then_runs(tmp_path):
    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Code")
        assert not app.kernel.ready
        await pilot.press("ctrl+r")
        await pilot.pause()
        cell = app.screen.query_one(CodeCell)
        assert "loading torch" in cell.output.plain
        await wait_for(pilot, lambda: "42" in cell.output.plain, 60, "the cell to run once torch is loaded")


async def test_help_lists_the_keys_and_the_language_switch_translates_the_ui(tmp_path):
    from tutor.ui.screens.help import HelpScreen

    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        body = text_of(app.screen.query_one("#help-body"))
        for key in ("ctrl+n", "ctrl+r", "ctrl+c", "ctrl+o", "ctrl+t", "ctrl+g", "ctrl+q"):
            assert key in body
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "zh"
        assert "从零开始实现线性回归" in text_of(app.screen.query_one("#title"))
        await pilot.press("f1")
        await pilot.pause()
        assert "快捷键" in app.screen.query_one("VerticalScroll").border_title


async def test_a_corrupt_progress_file_is_kept_aside_and_reported_on_screen(tmp_path):
    (tmp_path / "progress.json").write_text('{"version": 1, "lessons": {', encoding="utf-8")
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any("progress.corrupt-" in m for m in messages), messages
        kept = list(tmp_path.glob("progress.corrupt-*.json"))
        assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == '{"version": 1, "lessons": {'
        await open_demo_lesson(pilot, "Code")  # the learner carries on; progress is saved anew
    assert "demo" in (tmp_path / "progress.json").read_text(encoding="utf-8")
