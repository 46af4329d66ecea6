"""The experiment panel, driven at 80x24 as a learner drives it: edit, run, read the plot and facts.

The panel's runs go through the real kernel (the plotted points must be the core's), except where a
test needs the kernel to misbehave: there the host's experiment() is replaced by a stand-in.
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

from textual.widgets import Button, Input, Static

from tests.app_helpers import fixture_app, open_demo_lesson, replace_input, status_text, text_of, wait_for
from tests.block_helpers import BlockApp, demo_lesson
from tutor.content.discover import load_course
from tutor.content.model import Experiment, Lesson
from tutor.kernel.protocol import Curve, Done, ExperimentResult, Points, RunSummary
from tutor.narrate import describe
from tutor.scratch.exercises import EXPERIMENTS, make_data
from tutor.scratch.train import train
from tutor.ui.widgets.experiment import ExperimentPanel
from tutor.ui.widgets.loss_plot import LossPlot, PathPlot, layout

LESSONS = Path(__file__).parent.parent / "lessons"


def key_of(panel: ExperimentPanel) -> str:
    """The key under the plot, its no-break spaces read as spaces."""
    return text_of(panel.query_one("#key", Static)).replace("\u00a0", " ")


def experiment_of(lesson: Lesson, index: int = 0) -> Experiment:
    return [b for step in lesson.steps for b in step.blocks if isinstance(b, Experiment)][index]


def course_lesson(stem: str) -> Lesson:
    return next(lesson for lesson in load_course(LESSONS).lessons if lesson.stem == stem)


def panel_app(tmp_path: Path, experiment: Experiment, *, kernel: bool = True, lesson: Lesson | None = None,
              **kwargs: Any) -> BlockApp:
    return BlockApp(tmp_path, lambda context: ExperimentPanel(experiment, context, **kwargs), lesson=lesson,
                    kernel=kernel)


async def finished(pilot, panel: ExperimentPanel, timeout: float = 90) -> ExperimentResult:
    await wait_for(pilot, lambda: panel.result is not None and not panel.running, timeout, "the run to finish")
    assert panel.result is not None
    return panel.result


# ---------------------------------------------------------------- a run, as the learner sees it


async def test_a_run_draws_the_cores_history_for_the_seed_with_the_curve_in_words_and_precise_facts(tmp_path):
    app = panel_app(tmp_path, experiment_of(demo_lesson()))
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ExperimentPanel)
        await replace_input(pilot, panel.query_one("#param-lr", Input), "0.05")
        await replace_input(pilot, panel.query_one("#param-batch_size", Input), "20")
        await pilot.click("#run")
        result = await finished(pilot, panel)
        assert "done" in status_text(panel)
        # the plotted series is the core's own History for this seed, step for step
        xs, ys = panel.query_one(LossPlot).series["loss"]
        features, labels = make_data(0)
        history = train(features, labels, lr=0.05, batch_size=20, num_epochs=1, seed=0)
        assert ys == history.step_losses and xs == list(range(1, 51))
        # the curve in words is narrate's reading of this very result, under the plot
        words = text_of(panel.query_one("#words", Static))
        assert words and words == describe(result, "en")
        # estimates to the precision of their errors, and the sign of the errors said once
        facts = text_of(panel.query_one("#facts", Static)).splitlines()
        w_hat = next(line for line in facts if line.startswith("w_hat = "))
        shown = [float(v) for v in w_hat.removeprefix("w_hat = ").strip("[]").split(", ")]
        errors = result.facts["w_error"]
        for value, error, true in zip(shown, errors, [2.0, -3.4]):
            assert abs(value - true - error) < abs(error) / 5  # w_hat - true, read off the screen
        assert facts.count("errors are learned − true") == 1


async def test_ctrl_r_twice_quickly_runs_once_and_never_appends_a_second_run_to_the_first_curve(tmp_path):
    messages: list[Any] = []
    app = fixture_app(tmp_path, stable_clock=True)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await open_demo_lesson(pilot, "Experiment")
        panel = app.screen.query_one(ExperimentPanel)
        await pilot.press("ctrl+r", "ctrl+r")
        assert panel.running and panel.query_one("#run", Button).disabled
        result = await finished(pilot, panel)
        xs, ys = panel.query_one(LossPlot).series["loss"]
        expected = EXPERIMENTS["train"](seed=0, lr=0.03, batch_size=10, num_epochs=1)["curves"]["loss"]
        assert (xs, ys) == (expected["x"], expected["y"])  # 100 steps, not 200
        assert [c.label for c in result.curves] == ["loss"]
        # (the hook sees a bubbling message once per node it passes: count distinct messages)
        assert len({id(m) for m in messages if isinstance(m, ExperimentPanel.AlreadyRunning)}) == 1
        assert len({id(m) for m in messages if isinstance(m, ExperimentPanel.Completed)}) == 1
        assert not panel.query_one("#run", Button).disabled


async def test_a_failure_while_reading_the_kernels_events_says_so_and_ends_the_run(tmp_path):
    async def broken_result(*args: Any, **kwargs: Any):
        yield Points({"loss": [[1, 2.0]]})
        yield Done("ok", {"curves": "not a result"})  # a kernel speaking another version

    messages: list[Any] = []
    app = panel_app(tmp_path, experiment_of(demo_lesson()), kernel=False)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        app.host.experiment = broken_result  # type: ignore[method-assign]
        panel = app.query_one(ExperimentPanel)
        await pilot.click("#run")
        await wait_for(pilot, lambda: not panel.running, 10, "the run to end")
        await pilot.pause()
        assert "the experiment failed" in status_text(panel) and "running" not in status_text(panel)
        failed = list({id(m): m for m in messages if isinstance(m, ExperimentPanel.Failed)}.values())
        assert len(failed) == 1 and "ProtocolError" in failed[0].error
        assert not panel.query_one("#run", Button).disabled  # the learner can run again


# ---------------------------------------------------------------- parameters kept


async def test_edited_parameters_are_kept_with_the_progress_and_restored_on_return(tmp_path):
    experiment = experiment_of(course_lesson("14-learning-rate"))
    app = panel_app(tmp_path, experiment, kernel=False, lesson=course_lesson("14-learning-rate"))
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ExperimentPanel)
        lrs = panel.query_one("#param-lrs", Input)
        # the default list shows whole, not cut at "[0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3"
        assert lrs.value == "[0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]"
        assert lrs.size.width >= len(lrs.value) + 1
        await replace_input(pilot, lrs, "[0.1, 1.9]")
        await replace_input(pilot, panel.query_one("#param-num_epochs", Input), "2")
    again = panel_app(tmp_path, experiment, kernel=False, lesson=course_lesson("14-learning-rate"))
    async with again.run_test(size=(80, 24)):
        panel = again.query_one(ExperimentPanel)
        assert panel.query_one("#param-lrs", Input).value == "[0.1, 1.9]"
        assert panel.query_one("#param-num_epochs", Input).value == "2"
        assert panel.read_params() == ({"lrs": [0.1, 1.9], "batch_size": 10, "num_epochs": 2}, [])


# ---------------------------------------------------------------- plots that show the data


async def test_a_sweep_that_blows_up_without_overflowing_is_marked_and_does_not_squash_the_others(tmp_path):
    experiment = experiment_of(course_lesson("14-learning-rate"))
    app = panel_app(tmp_path, experiment, lesson=course_lesson("14-learning-rate"))
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ExperimentPanel)
        await replace_input(pilot, panel.query_one("#param-lrs", Input), "[0.03, 0.3, 1.9]")
        await replace_input(pilot, panel.query_one("#param-num_epochs", Input), "1")
        await pilot.click("#run")
        result = await finished(pilot, panel)
        status = status_text(panel)
        assert "lr=1.9: diverged at step" in status and "1000×" in status
        plot = panel.query_one(LossPlot)
        assert set(plot.diverged) == {"lr=1.9"}
        # the y range is the converging curves' (in log10), not stretched up to the blow-up
        drawn = layout(plot.series, plot.diverged, plot.log_y)
        converging = [y for c in result.curves if c.label != "lr=1.9" for y in c.y if y is not None]
        assert drawn.y_range[1] < math.log10(max(converging)) + 0.5
        assert {m.kind for m in drawn.marks} == {"leaves", "diverged"}
        # the key under the plot names every curve, and the diverged one with its step
        key = key_of(panel)
        step = result.diverged["lr=1.9"]
        assert "lr=0.03" in key and "lr=0.3" in key and f"lr=1.9 ✗ diverged at step {step}" in key


async def test_batch_sizes_are_compared_along_the_examples_seen(tmp_path):
    lesson = course_lesson("02-minibatches")
    experiment = next(e for e in (experiment_of(lesson, i) for i in range(3)) if e.sweep)
    assert experiment.x_axis == "examples"
    app = panel_app(tmp_path, experiment, lesson=lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ExperimentPanel)
        await pilot.click("#run")
        result = await finished(pilot, panel)
        plot = panel.query_one(LossPlot)
        # every run ends at 3 epochs x 1000 examples, whatever its number of steps
        assert {label: xs[-1] for label, (xs, _) in plot.series.items()} == {
            "batch_size=10": 3000, "batch_size=100": 3000, "batch_size=1000": 3000}
        assert plot.series["batch_size=1000"][0] == [1000, 2000, 3000]
        assert plot.xlabel == "examples seen" and result.x_axis == "examples"


async def test_the_path_view_is_offered_only_where_there_is_a_path_and_its_key_does_not_say_loss(tmp_path):
    demo = experiment_of(demo_lesson())
    app = panel_app(tmp_path, demo, kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ExperimentPanel)
        assert "v:" not in text_of(panel.query_one(".keys", Static))
        assert not panel.query(PathPlot)
        panel.focus()
        await pilot.press("v")  # bound nowhere here: nothing happens, nothing breaks
        assert panel.check_action("toggle_view", ()) is False

    lessons = load_course(Path(__file__).parent / "fixtures" / "course").lessons
    lesson = next(lesson for lesson in lessons if path_experiment(lesson))
    app = panel_app(tmp_path, path_experiment(lesson), lesson=lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ExperimentPanel)
        assert "v: loss curve or (w1, w2) path" in text_of(panel.query_one(".keys", Static))
        await pilot.click("#run")
        await finished(pilot, panel)
        key = key_of(panel)
        assert "path of (w1, w2)" in key and "loss" not in key.replace("equal loss", "")
        panel.focus()
        await pilot.press("v")
        assert panel.query_one(LossPlot).display and not panel.query_one(PathPlot).display
        assert "loss" in key_of(panel)


def path_experiment(lesson: Lesson) -> Experiment | None:
    return next((b for s in lesson.steps for b in s.blocks if isinstance(b, Experiment) and b.view == "path"), None)


async def test_lesson_09_plots_the_mlp_it_talks_about_and_hidden_changes_the_plot(tmp_path):
    lesson = course_lesson("09-zero-init")
    experiment = next(e for e in (experiment_of(lesson, i) for i in range(2)) if "hidden" in e.editable)
    app = panel_app(tmp_path, experiment, lesson=lesson)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ExperimentPanel)
        await replace_input(pilot, panel.query_one("#param-num_epochs", Input), "1")
        await pilot.click("#run")
        await finished(pilot, panel)
        first = dict(panel.query_one(LossPlot).series)
        assert set(first) == {"mlp constant", "mlp random"}
        await replace_input(pilot, panel.query_one("#param-hidden", Input), "8")
        await pilot.click("#run")
        await finished(pilot, panel)
        assert panel.query_one(LossPlot).series["mlp random"][1] != first["mlp random"][1]


async def test_cancel_stops_the_run_through_the_host_and_keeps_the_points_so_far(tmp_path):
    stop = asyncio.Event()

    async def slow_run(*args: Any, **kwargs: Any):
        xs, ys = [], []
        for step in range(1, 10_000):
            xs.append(step)
            ys.append(1.0 / step)
            yield Points({"loss": [[step, 1.0 / step]]})
            if stop.is_set():
                break
            await asyncio.sleep(0.01)
        partial = ExperimentResult("train", [Curve("loss", xs, ys, steps=xs, name="loss")],
                                   [RunSummary("", {}, {"final_loss": ys[-1]})], interrupted=True)
        yield Done("interrupted", partial.to_wire())

    async def interrupt() -> str:
        stop.set()
        return "interrupted"

    app = panel_app(tmp_path, experiment_of(demo_lesson()), kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.host.experiment = slow_run  # type: ignore[method-assign]
        app.host.interrupt = interrupt  # type: ignore[method-assign]
        panel = app.query_one(ExperimentPanel)
        assert panel.query_one("#cancel", Button).disabled  # nothing to cancel yet
        await pilot.click("#run")
        await wait_for(pilot, lambda: len(panel.query_one(LossPlot).series.get("loss", ([], []))[0]) > 5, 10,
                       "points to stream")
        await pilot.click("#cancel")
        await wait_for(pilot, lambda: not panel.running, 10, "the run to stop")
        await pilot.pause()
        assert "cancelled" in status_text(panel)
        xs, _ = panel.query_one(LossPlot).series["loss"]
        assert xs == list(range(1, len(xs) + 1)) and 5 < len(xs) < 9_999
