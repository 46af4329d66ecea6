"""Plain line mode as a learner (or a script) uses it: `python -m tutor plain` in a subprocess, its
answers written to a pipe. Asserted: the prose as plain text, each cell's real output (computed
here on the scratch core), each verdict, the curve in words, the progress file afterwards, and
that the app then shows the lesson where plain mode left it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tests.test_narrate import run_core
from tutor.content.discover import discover
from tutor.content.model import Code, Experiment, Lesson, Prose, Quiz
from tutor.narrate import describe
from tutor.progress import DONE, ProgressStore
from tutor.quiz import option_order
from tutor.scratch.data import synthetic_data
from tutor.scratch.exercises import train_experiment
from tutor.settings import Settings
from tutor.ui.app import make_app

WRONG_SYNTHETIC_DATA = """\
def synthetic_data(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    return X, y.reshape((-1, 1))
end
"""
RIGHT_SYNTHETIC_DATA = """\
def synthetic_data(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))
"""

WORDS = {
    "en": {"right": "✓ Right.", "wrong": "✗ Not quite.", "not_a_number": "That is not a number",
           "not_yet": "✗ Not yet:", "passes": "passes every case", "same": "Your curve is the core's, point for point",
           "done": "Generating the dataset: done.", "saved": "End of input: your progress is saved."},
    "zh": {"right": "✓ 回答正确。", "wrong": "✗ 还不对。", "not_a_number": "这不是一个数字",
           "not_yet": "✗ 还不对：", "passes": "通过了所有测试用例", "same": "你的曲线与核心实现的曲线逐点相同",
           "done": "生成数据集：已完成。", "saved": "输入结束：学习进度已保存。"},
}


def plain(data_dir: Path, lang: str, *args: str, stdin: str, env: dict[str, str] | None = None,
          command: tuple[str, ...] = ("plain",)) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("TUTOR_LESSONS", "TUTOR_DATA_DIR", "NO_COLOR", "TERM")}
    environment.update(PYTHONIOENCODING="utf-8", **(env or {}))
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "--data-dir", str(data_dir), "--lang", lang, *command, *args],
        input=stdin, capture_output=True, text=True, encoding="utf-8", env=environment, timeout=300,
    )
    for stream in (result.stdout, result.stderr):
        assert "Traceback (most recent call last)" not in stream, stream
    assert "\x1b" not in result.stdout  # not a terminal: no ANSI escapes at all
    return result


def flat(text: str) -> str:
    """Text without any whitespace: wrapping may put a line end anywhere a space (or, in Chinese,
    nothing) was."""
    return "".join(text.split())


def lesson(lesson_id: str, lang: str) -> Lesson:
    return next(l for l in discover([], None)[0].in_language(lang) if l.id == lesson_id)


def chapter_data() -> tuple[torch.Tensor, torch.Tensor]:
    """The data every lesson's cells see: the kernel's, made here the same way."""
    return synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 1000, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lesson_01_data_scripted_through_a_pipe(tmp_path, lang):
    words = WORDS[lang]
    data = lesson("data", lang)
    # the answers a learner reads off the cell and the experiment, computed here on the core
    features, labels = chapter_data()
    residual = labels - (features @ torch.tensor([2.0, -3.4]).reshape(-1, 1) + 4.2)
    facts = train_experiment(lr=0.03, batch_size=10, num_epochs=3, noise=0.1)["facts"]
    # the steps after the exercise only show text and code: one enter each
    after = data.steps[4:]
    assert all(isinstance(b, (Prose, Code)) and getattr(b, "kind", "") != "run" for s in after for b in s.blocks)
    script = "\n".join([
        "",             # step 1: run the cell
        "",             # end of step 1
        "",             # step 2: run the cell
        "abc",          # the noise quiz: not a number
        "0.05",         # wrong
        f"{residual.std().item():.2g}",  # right: what the cell printed
        "(1000, 1)",    # the shape quiz: right
        "",             # end of step 2
        "noise=-1",     # step 3: refused
        "",             # run the experiment with the lesson's noise 0.1
        "noise=0.01",   # and again with 0.01
        "",             # go on
        f"{facts['final_loss']:.3g}",  # the floor quiz: right, what the experiment reported
        "",             # end of step 3
        WRONG_SYNTHETIC_DATA.rstrip("\n"),  # step 4: no noise added
        "hint",
        RIGHT_SYNTHETIC_DATA + "end",
        "",             # end of step 4
        *[""] * len(after),
    ]) + "\n"
    result = plain(tmp_path, lang, "data", "--no-plot", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout

    # prose as plain text: the lesson's words, without its Markdown markers
    first = data.steps[0].blocks[0].markdown.split("\n\n")[0]
    assert flat(first.replace("`", "")) in flat(out)
    assert "`" not in out.split(data.steps[1].title)[0].split("def synthetic_data")[0]
    # the cells' real output
    assert repr((features[0], labels[0])) in out
    assert repr((residual.mean(), residual.std())) in out
    # the verdicts, in order
    assert out.count(words["not_a_number"]) == 1
    assert out.count(words["wrong"]) == 1
    assert out.count(words["right"]) == 3
    # the experiment: the core's own facts and the curve in words
    assert f"final_loss = {facts['final_loss']:.4g}" in out
    expected = run_core("train", {"lr": 0.03, "batch_size": 10, "num_epochs": 3, "noise": 0.1})
    assert flat(describe(expected, lang)) in flat(out)
    quieter = train_experiment(lr=0.03, batch_size=10, num_epochs=3, noise=0.01)["facts"]
    assert f"final_loss = {quieter['final_loss']:.4g}" in out
    # the exercise: a diagnosis, a hint, then the pass and the learner's run beside the core's
    assert out.count(words["not_yet"]) == 1
    assert flat(data.exercises()[0].hints[0].replace("`", "")) in flat(out)
    assert flat(words["passes"]) in flat(out) and flat(words["same"]) in flat(out)
    assert words["done"] in out and words["saved"] in out

    store = ProgressStore(tmp_path)
    assert store.load() is None
    key = data.key
    attempts = store.quiz_attempts(key, "data-noise-std")
    assert [(a["answer"], a["correct"]) for a in attempts] == [("0.05", False), (f"{residual.std().item():.2g}", True)]
    assert all(store.quiz_solved(key, q.id) for q in data.quizzes())
    state = store.exercise_state(key, "synthetic-data")
    assert (state.attempts, state.passed, state.hints_used) == (2, True, 1)
    assert store.load_exercise(key, "synthetic-data") == RIGHT_SYNTHETIC_DATA
    assert store.step_of(key) == len(data.steps) - 1
    # the edited noise is kept where the app's experiment panel looks for it
    experiment = next(b for b in data.steps[2].blocks if isinstance(b, Experiment))
    kept = store.load_params(key, experiment.id or f"{experiment.run}-line-{experiment.where.line}")
    assert kept == {"noise": 0.01, "num_examples": 1000}
    assert store.status(key, len(data.steps), [q.id for q in data.quizzes()],
                        [e.id for e in data.exercises()]) == DONE


def choice_number(quiz: Quiz, seed: int, correct: bool) -> str:
    """The number plain mode shows for the (first) right or wrong option, in this learner's order."""
    order = option_order(quiz, seed)
    return str(next(n for n, i in enumerate(order, start=1) if quiz.choices[i].correct == correct))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_loss_lesson_with_its_exercise_given_as_files(tmp_path, lang):
    words = WORDS[lang]
    seed = ProgressStore(tmp_path).learner_seed()  # the learner's option order, known to the test
    loss = lesson("loss", lang)
    choice = next(q for q in loss.quizzes() if q.type == "choice")
    wrong_file, right_file = tmp_path / "wrong.py", tmp_path / "mine.py"
    wrong_file.write_text("def squared_loss(y_hat, y):\n    return (y_hat - y) ** 2 / 2\n", encoding="utf-8")
    right_file.write_text("def squared_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n",
                          encoding="utf-8")
    script = "\n".join([
        "", "",                      # step 1: the cell, the end of the step
        "", "4", "2", "",            # step 2: the cell, a wrong and a right gradient, the end
        "", "",                      # step 3: run the sweep, go on
        "9",                         # no such option
        choice_number(choice, seed, False), choice_number(choice, seed, True),
        "",
        str(tmp_path / "missing.py"),  # step 4: a file that is not there
        str(wrong_file), str(right_file),
        "",
    ]) + "\n"
    result = plain(tmp_path, lang, "05-loss", "--no-plot", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout

    assert "tensor([[2.]])" in out  # y_hat.grad for y_hat = 3, y = 1
    sweep = run_core("train", {"batch_size": 10, "num_epochs": 3}, sweep={"lr": [0.03, 0.06]})
    assert flat(describe(sweep, lang)) in flat(out)
    assert out.count(words["wrong"]) == 2 and out.count(words["right"]) == 2
    assert "missing.py" in out and out.count(words["not_yet"]) == 1
    assert "(10, 10)" in out or "(n, n)" in out  # the diagnosis names the broadcast
    assert flat(words["same"]) in flat(out)

    store = ProgressStore(tmp_path)
    store.load()
    picks = [a["answer"] for a in store.quiz_attempts(loss.key, choice.id)]
    right_index = next(i for i, c in enumerate(choice.choices) if c.correct)
    assert len(picks) == 2 and picks[1] == [right_index]
    assert store.exercise_state(loss.key, "squared-loss").first_pass is not None
    assert store.load_exercise(loss.key, "squared-loss") == right_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang, continue_line", [
    ("en", "Continue: Generating the dataset, step 2"),
    ("zh", "继续学习：生成数据集，第 2 步"),
])
async def test_the_app_opens_the_lesson_where_plain_mode_left_it(tmp_path, lang, continue_line):
    # step 1 done, the first quiz of step 2 right, then quit at the second
    features, labels = chapter_data()
    std = (labels - (features @ torch.tensor([2.0, -3.4]).reshape(-1, 1) + 4.2)).std().item()
    result = plain(tmp_path, lang, "data", stdin=f"\n\n\n{std:.2g}\nquit\n")
    assert result.returncode == 0
    store = ProgressStore(tmp_path)
    store.load()
    assert store.quiz_solved("data", "data-noise-std")
    app = make_app(Settings(data_dir=tmp_path, lang=lang), start_kernel=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#lessons")
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert continue_line in lines[0]
        title = lesson("data", lang).title
        assert any(line.startswith(f" ◐ {title}") for line in lines)  # in progress
        await pilot.press("c")
        await pilot.pause()
        assert app.screen.step == 1


def test_bad_input_gets_a_clear_line_and_a_new_prompt_and_the_end_of_input_exits_0(tmp_path):
    result = plain(tmp_path, "en", "no-such-lesson", stdin="42\ndata\nrun it\n\nhello\n")
    assert result.returncode == 0
    out = result.stdout
    assert "There is no lesson 'no-such-lesson'" in out and "There is no lesson '42'" in out
    assert out.count("Lesson number or id") == 2  # asked again after the bad one
    assert "'run it' is not a command here" in out
    assert "torch.Size([1000, 2]) torch.Size([1000, 1])" in out
    assert "'hello' is not a command: enter goes on" in out  # at the end of the step
    assert "End of input: your progress is saved." in out


def test_without_a_terminal_python_m_tutor_says_so_in_one_line_and_starts_plain_mode(tmp_path):
    result = plain(tmp_path, "en", stdin="", command=(), env={"TERM": "dumb"})
    assert result.returncode == 0
    assert result.stderr.strip() == "No full-screen terminal here: plain mode (python -m tutor plain --help)."
    assert "Lessons:" in result.stdout and "Generating the dataset" in result.stdout


def test_an_experiment_draws_its_curves_and_the_last_hint_leads_to_the_solution(tmp_path):
    loss = lesson("loss", "en")
    exercise = loss.exercises()[0]
    script = "\n".join(["next", "next",        # to step 3
                        "", "",                # run the sweep (with its plot), go on
                        "skip", "",            # the quiz, the end of the step
                        *["hint"] * (len(exercise.hints) + 1),
                        "skip"]) + "\n"
    result = plain(tmp_path, "en", "loss", stdin=script)
    assert result.returncode == 0
    out = result.stdout
    plot = out.split("Result:")[1]
    assert "┤" in plot and "lr=0.03" in plot and "lr=0.06" in plot and "log10 loss" in plot
    assert "That was the last hint; hint once more shows the author's solution." in out
    solution = out.split("The author's solution:")[1]
    assert all(line.strip() in solution for line in exercise.solution.strip().splitlines())
    store = ProgressStore(tmp_path)
    store.load()
    assert store.hints_used(loss.key, exercise.id) == len(exercise.hints)
    assert store.solution_seen(loss.key, exercise.id)


def test_plain_mode_imports_neither_torch_nor_textual():
    code = ("import sys, tutor.plain.session, tutor.plain.blocks, tutor.narrate; "
            "print(sorted(m for m in ('torch', 'textual') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_lesson_list_names_broken_files_and_shows_control_characters_instead_of_obeying_them(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-evil.md").write_text(
        '---\nid: evil\ntitle: "Evil \\e]0;pwned\\a title"\nlang: en\n---\n## A\n\nText.\n', encoding="utf-8")
    (lessons / "02-bad.md").write_text("---\nid: bad\ntitle: Bad\n---\n## A\n", encoding="utf-8")
    result = plain(tmp_path / "data", "en", command=("--lessons", str(lessons), "plain"), stdin="")
    assert result.returncode == 0
    out = result.stdout  # plain() has checked that no escape reached it raw
    assert "Evil \\x1b]0;pwned\\x07 title" in out
    assert "✗ 02-bad.md: cannot be loaded (2 errors)" in out
    assert "02-bad.md:1:1: error: the front matter has no 'lang' key" in out
