"""A learner moves through lessons in the app at 80x24: home, steps, the focus model, an experiment,
quizzes, where Continue goes, the next lesson and the end of the course."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from tests.app_helpers import (
    FIXTURE_COURSE,
    course_app,
    fixture_app,
    notices,
    open_demo_lesson,
    replace_input,
    status_text,
    text_of,
    type_text,
    wait_for,
    write_course,
)
from tutor.content.discover import load_course
from tutor.i18n import t
from tutor.scratch.exercises import EXPERIMENTS, make_data
from tutor.scratch.train import train
from tutor.ui.screens.home import HomeScreen
from tutor.ui.screens.lesson import LessonScreen
from tutor.ui.widgets.code_cell import CodeCell
from tutor.ui.widgets.experiment import ExperimentPanel
from tutor.ui.widgets.keybar import KeyBar
from tutor.ui.widgets.loss_plot import LossPlot
from tutor.ui.widgets.quiz import QuizPanel


def home_lines(app) -> list[str]:
    options = app.screen.query_one("#lessons")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_home_lists_lessons_and_a_broken_file_with_its_error(tmp_path):
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = home_lines(app)
        assert any("Demo lesson" in line for line in lines)
        broken = next(i for i, line in enumerate(lines) if "02-broken.md" in line)
        app.screen.query_one("#lessons").highlighted = broken
        await pilot.pause()
        detail = text_of(app.screen.query_one("#detail"))
        assert "02-broken.md:7:" in detail and "quizz" in detail


async def test_the_kernel_starts_when_a_lesson_opens_and_the_header_follows_it(tmp_path):
    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        assert app.host.pid is None and app.kernel_status == "off"  # reading the list costs nothing
        await open_demo_lesson(pilot, "Code")
        header = app.screen.query_one("#kernel")
        assert text_of(header) in (t("kernel.loading", "en"), t("kernel.ready", "en"))
        await wait_for(pilot, lambda: text_of(header) == t("kernel.ready", "en"), 60, "the header to say ready")
        assert app.host.ready


async def test_a_step_with_nothing_to_run_says_so(tmp_path):
    messages: list = []
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await open_demo_lesson(pilot, "Demo lesson")  # the text before the first ## heading
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert t("lesson.nothing_to_run", "en") in notices(messages)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert text_of(app.screen.query_one("#counter")) == "step 2 of 5"


LONG_TITLE = "A lesson whose title is far too long to fit in the header beside its step counter and status"


async def test_a_long_title_is_cut_never_the_step_counter_or_the_kernel_status(tmp_path):
    folder = write_course(tmp_path / "course", {
        "01-long.md": f"---\nid: long\ntitle: {LONG_TITLE}\nlang: en\n---\n## One\nText.\n\n## Two\nMore.\n",
    })
    app = course_app(tmp_path / "data", folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        bar = app.screen.query_one("#bar")
        title, counter, kernel = (app.screen.query_one(f"#{name}") for name in ("title", "counter", "kernel"))
        assert text_of(counter) == "step 1 of 2" and text_of(kernel) == t("shell.kernel.off", "en")
        for part in (counter, kernel):
            assert part.region.right <= bar.region.right and part.region.width >= len(text_of(part))
        assert title.region.width < len(LONG_TITLE)  # the title gives way


async def test_esc_leaves_an_editor_and_no_key_types_into_a_block_not_entered(tmp_path):
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Quizzes")
        screen = app.screen
        choice, number, text = screen.query(QuizPanel)
        assert app.focused is choice  # the step's first block is selected, not entered
        await pilot.press("tab")
        assert app.focused is number
        await pilot.press("enter")  # edit mode: into the number quiz's input
        number_input, text_input = number.query_one(Input), text.query_one(Input)
        assert app.focused is number_input
        await type_text(pilot, "4")
        await pilot.press("escape")
        assert app.focused is number  # command mode on the same block, not the next widget
        await type_text(pilot, "z")
        assert number_input.value == "4" and text_input.value == ""  # the z went nowhere
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # the second esc: back to the lessons


async def test_letters_inside_a_block_never_act_as_commands(tmp_path):
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Quizzes")
        await pilot.press("enter")  # into the choice quiz's options, which type no letters
        await pilot.press("n", "p", "q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, LessonScreen) and app.screen.step == 3
        await pilot.press("escape", "n")  # command mode: n is the next step
        await pilot.pause()
        assert app.screen.step == 4


async def test_tab_after_esc_selects_a_block_and_never_indents_an_editor(tmp_path):
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Code")
        cell = app.screen.query_one(CodeCell)
        editor = cell.query_one(TextArea)
        before = editor.text
        await pilot.press("enter")
        assert app.focused is editor
        await pilot.press("escape", "tab", "tab", "z")
        assert editor.text == before
        assert app.focused is cell  # the only block of the step stays selected
        assert cell.styles.border_top[0] == "heavy"  # and its border shows it (tutor.tcss)
        await pilot.press("enter")
        assert cell.styles.border_top[0] == "double"  # being edited


async def test_the_footer_follows_the_mode_and_shows_only_browser_keys_in_a_browser(tmp_path):
    messages: list = []
    app = fixture_app(tmp_path, start_kernel=False, front_end="web")
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await open_demo_lesson(pilot, "Code")
        footer = app.screen.query_one(KeyBar)
        assert " r " in text_of(footer) and " n " in text_of(footer)
        assert "^" not in text_of(footer)  # a page cannot receive ctrl+n, ctrl+t, ctrl+w
        editor = app.screen.query_one(CodeCell).query_one(TextArea)
        before = editor.text
        await pilot.press("enter", "e")  # edit mode: the letter is typed
        assert "^" not in text_of(footer) and "esc" in text_of(footer)
        assert editor.text != before
        await pilot.press("escape", "e")  # command mode: e would open $EDITOR, not in a browser
        await pilot.pause()
        assert t("shell.no_editor_in_browser", "en") in notices(messages)


async def test_an_experiment_draws_exactly_the_cores_history_for_its_seed(tmp_path):
    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Experiment")
        panel = app.screen.query_one(ExperimentPanel)
        await replace_input(pilot, panel.query_one("#param-lr", Input), "0.05")
        await replace_input(pilot, panel.query_one("#param-batch_size", Input), "20")
        await pilot.press("escape", "r")  # command mode on the panel, then run it
        await wait_for(pilot, lambda: "done" in status_text(panel), 60, "the experiment to finish")
        expected = EXPERIMENTS["train"](seed=0, lr=0.05, batch_size=20, num_epochs=1)["curves"]["loss"]
        xs, ys = panel.query_one(LossPlot).series["loss"]
        assert (xs, ys) == (expected["x"], expected["y"])
        # and that is the core's own History for this seed, step for step
        features, labels = make_data(0)
        history = train(features, labels, lr=0.05, batch_size=20, num_epochs=1, seed=0)
        assert ys == history.step_losses and xs == list(range(1, 51))
        assert "w_hat" in text_of(panel.query_one("#facts"))


async def test_bad_experiment_inputs_get_inline_messages_and_do_not_run(tmp_path):
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Experiment")
        panel = app.screen.query_one(ExperimentPanel)
        lr = panel.query_one("#param-lr", Input)
        for bad, words in [("abc", "number"), ("-1", "learning rate"), ("1e309", "large")]:
            await replace_input(pilot, lr, bad)
            assert words in text_of(panel.query_one("#param-errors")), bad
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Fix the values" in status_text(panel)
        await replace_input(pilot, lr, "0.05")
        batch = panel.query_one("#param-batch_size", Input)
        await replace_input(pilot, batch, "5000")
        assert "batch" in text_of(panel.query_one("#param-errors"))
        await replace_input(pilot, batch, "20")
        assert text_of(panel.query_one("#param-errors")) == ""


async def test_a_long_run_is_cancelled_and_the_kernel_stays_warm(tmp_path):
    app = fixture_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Experiment")
        await wait_for(pilot, lambda: app.host.ready, 60, "the kernel")
        pid = app.host.pid
        panel = app.screen.query_one(ExperimentPanel)
        await replace_input(pilot, panel.query_one("#param-num_epochs", Input), "50")
        await replace_input(pilot, panel.query_one("#param-batch_size", Input), "1")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "epoch" in status_text(panel), 30, "points to stream")
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: "cancelled" in status_text(panel), 5, "the cancel")
        assert app.host.pid == pid


def finish_demo_up_to_quizzes(data_dir: Path) -> None:
    """Progress as a learner leaves it after answering the demo's quizzes right on step 4."""
    from tutor.progress import ProgressStore

    store = ProgressStore(data_dir)
    store.load()
    key = next(lesson.key for lesson in load_course(FIXTURE_COURSE).lessons if lesson.id == "demo")
    for step in range(4):
        store.set_step(key, step)
    store.record_quiz(key, "demo-choice", [0], True)
    store.record_quiz(key, "demo-number", "41", False)
    store.record_quiz(key, "demo-number", "40", True)
    store.record_quiz(key, "demo-text", "create_graph", True)


async def test_number_and_text_quizzes_wrong_then_right_and_kept_on_return(tmp_path):
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Quizzes")
        quizzes = {q.quiz.id: q for q in app.screen.query(QuizPanel)}
        for quiz_id, wrong, right in [("demo-number", "41", "40"), ("demo-text", "retain_graph", "create_graph=True")]:
            panel = quizzes[quiz_id]
            await replace_input(pilot, panel.query_one(Input), wrong)
            await pilot.press("enter")
            await pilot.pause()
            assert "Not quite" in text_of(panel.query_one("#feedback"))
            await replace_input(pilot, panel.query_one(Input), right)
            await pilot.press("enter")
            await pilot.pause()
            assert "Right" in text_of(panel.query_one("#feedback"))
        await pilot.press("ctrl+q")

    again = fixture_app(tmp_path, start_kernel=False)
    async with again.run_test(size=(80, 24)) as pilot:
        await open_demo_lesson(pilot, "Quizzes")
        for quiz_id in ("demo-number", "demo-text"):
            panel = next(q for q in again.screen.query(QuizPanel) if q.quiz.id == quiz_id)
            assert "Right" in text_of(panel.query_one("#feedback"))


async def test_continue_goes_to_the_first_unfinished_step(tmp_path):
    finish_demo_up_to_quizzes(tmp_path)
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = home_lines(app)
        # steps 1-4 are done (the quizzes answered right); step 5, the exercise, is not
        assert "Continue: Demo lesson, step 5" in lines[0]
        assert any(line.startswith(" ◐ Demo lesson") for line in lines)
        assert any(line.startswith(" · Paths and sweeps") for line in lines)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.step == 4


async def test_a_new_learner_is_offered_the_first_lesson(tmp_path):
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert home_lines(app)[0] == "Start with: Demo lesson"


async def test_past_the_last_step_comes_the_next_lesson_then_the_learners_record(tmp_path):
    folder = write_course(tmp_path / "course", {
        "01-a.md": "---\nid: a\ntitle: First\nlang: en\n---\n## Only\nText.\n\n"
                   "```quiz\nid: q\ntype: number\nprompt: 1 + 1?\nanswer: 2\n```\n",
        "02-b.md": "---\nid: b\ntitle: Second\nlang: en\n---\n## Only\nMore text.\n",
    })
    app = course_app(tmp_path / "data", folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.lesson.id == "a"
        assert "n goes on to the next lesson" in text_of(app.screen.query_one("#last-step"))
        await pilot.press("enter")
        await type_text(pilot, "3")
        await pilot.press("enter")  # wrong the first time
        field = app.screen.query_one(QuizPanel).query_one(Input)
        await replace_input(pilot, field, "2")
        await pilot.press("enter", "escape")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == "b"
        await pilot.press("n")
        await pilot.pause()
        record = text_of(app.screen.query_one("#record"))
        assert "You have finished the course" in record
        assert "Lessons finished: 2 of 2" in record
        assert "Quizzes right the first time: 0 of 1 (answered right in the end: 1)" in record
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert home_lines(app)[0] == t("shell.home.record", "en")


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
        options.highlighted = next(i for i, line in enumerate(home_lines(app)) if "Paths and sweeps" in line)
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
        assert not app.host.ready
        await pilot.press("ctrl+r")
        await pilot.pause()
        cell = app.screen.query_one(CodeCell)
        assert "loading torch" in cell.output.plain
        await wait_for(pilot, lambda: "42" in cell.output.plain, 60, "the cell to run once torch is loaded")


async def test_help_lists_every_key_in_its_own_column_and_the_language_switch_translates(tmp_path):
    from tutor.ui.screens.help import HelpScreen

    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        body = text_of(app.screen.query_one("#help-body"))
        for key in ("ctrl+n", "ctrl+r", "ctrl+c", "ctrl+o", "ctrl+t", "ctrl+g", "ctrl+q", "enter", "esc", "tab"):
            assert key in body
        # a key never runs into the words of the next column ("enter" had run into it)
        for line in body.splitlines():
            if line.startswith("  "):
                key_part = line[:18]
                assert key_part.rstrip() == key_part.strip() or key_part.endswith("  "), line
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "zh"
        assert "从零开始实现线性回归" in text_of(app.screen.query_one("#title"))
        await pilot.press("f1")
        await pilot.pause()
        assert "快捷键" in app.screen.query_one("VerticalScroll").border_title


async def test_help_in_a_browser_offers_no_ctrl_key_and_no_editor(tmp_path):
    app = fixture_app(tmp_path, start_kernel=False, front_end="web")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        body = text_of(app.screen.query_one("#help-body"))
        assert "ctrl+" not in body and "$EDITOR" not in body
        assert "  r " in body and "  n, p " in body


async def test_a_corrupt_progress_file_is_kept_aside_and_reported_on_screen(tmp_path):
    (tmp_path / "progress.json").write_text('{"version": 1, "lessons": {', encoding="utf-8")
    messages: list = []
    app = fixture_app(tmp_path, start_kernel=False)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await pilot.pause()
        assert any("progress.corrupt-" in m for m in notices(messages)), notices(messages)
        kept = list(tmp_path.glob("progress.corrupt-*.json"))
        assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == '{"version": 1, "lessons": {'
        await open_demo_lesson(pilot, "Code")  # the learner carries on; progress is saved anew
    assert "demo" in (tmp_path / "progress.json").read_text(encoding="utf-8")
