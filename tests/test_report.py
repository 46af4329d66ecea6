"""`tutor report`: a class's progress gathered per learner, per quiz and per exercise, from progress
written by the app itself (a quiz answered with Pilot) and by the progress API the app uses."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from textual.widgets import RadioSet

from tests.app_helpers import FIXTURE_COURSE
from tests.block_helpers import BlockApp, demo_lesson
from tutor.content.discover import load_course
from tutor.progress import ProgressStore
from tutor.report import build_report, run_report
from tutor.ui.widgets.quiz import QuizPanel

DEMO_KEY = "course/demo"  # the fixture course's folder is named "course"


async def answer_in_the_app(data_dir: Path, picks: list[int]) -> None:
    """Answer the demo lesson's choice quiz in the app, one submitted choice after another."""
    quiz = next(q for q in demo_lesson().quizzes() if q.id == "demo-choice")
    app = BlockApp(data_dir, lambda context: QuizPanel(quiz, context))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.query_one(QuizPanel)
        radio = panel.query_one(RadioSet)
        radio.focus()
        await pilot.pause()
        at = 0
        for pick in picks:
            target = panel.order.index(pick)
            for _ in range(abs(target - at)):
                await pilot.press("down" if target > at else "up")
            at = target
            await pilot.press("space", "enter")
            await pilot.pause()
    store = ProgressStore(data_dir)
    store.load()
    assert [a["answer"] for a in store.quiz_attempts(DEMO_KEY, "demo-choice")] == [[p] for p in picks]


def home(root: Path, name: str) -> Path:
    return root / name / ".local" / "share" / "tutor"


def exercise_work(data_dir: Path, checks: list[tuple[bool, str]], *, hints: int = 0,
                  solution: bool = False) -> None:
    store = ProgressStore(data_dir)
    store.load()
    store.set_step(DEMO_KEY, 1)
    for _ in range(hints):
        store.record_hint(DEMO_KEY, "demo-squared-loss")
    if solution:
        store.record_solution_seen(DEMO_KEY, "demo-squared-loss")
    for passed, diagnosis in checks:
        store.record_check(DEMO_KEY, "demo-squared-loss", passed, diagnosis)


BROADCAST = "y_hat is (n, 1) but y is (n,): the difference broadcasts to (n, n)"


async def make_class(root: Path) -> None:
    await answer_in_the_app(home(root, "ana"), [1, 0])  # wrong (absolute loss), then right
    await answer_in_the_app(home(root, "bo"), [0])       # right first time
    await answer_in_the_app(home(root, "cy"), [1])       # wrong, and left it there
    exercise_work(home(root, "ana"), [(False, BROADCAST), (False, BROADCAST), (True, "")], hints=2)
    exercise_work(home(root, "bo"), [(False, "forgot the / 2"), (True, "")], solution=True)
    exercise_work(home(root, "cy"), [(False, BROADCAST)])
    corrupt = home(root, "dee")
    corrupt.mkdir(parents=True)
    (corrupt / "progress.json").write_text("{not json", "utf-8")


async def test_the_class_report_per_learner_quiz_and_exercise(tmp_path):
    await make_class(tmp_path)
    report = build_report([tmp_path], [load_course(FIXTURE_COURSE)])

    by_name = {row.learner: row for row in report.learners}
    assert sorted(by_name) == ["ana", "bo", "cy"]
    ana, bo, cy = by_name["ana"], by_name["bo"], by_name["cy"]
    assert (ana.quizzes_tried, ana.quizzes_right_first_time) == (1, 0)
    assert (bo.quizzes_tried, bo.quizzes_right_first_time) == (1, 1)
    assert (ana.exercises_tried, ana.exercises_passed, ana.hints_used, ana.solutions_seen) == (1, 1, 2, 0)
    assert (bo.solutions_seen, cy.exercises_passed) == (1, 0)
    assert ana.lessons_in_progress == 1 and ana.lessons_done == 0  # not every step and quiz yet
    assert ana.last_active.startswith("20")

    (quiz,) = report.quizzes
    assert (quiz.lesson, quiz.quiz, quiz.tried, quiz.right_first_time) == (DEMO_KEY, "demo-choice", 3, 1)
    # what the class misunderstands, by the choice's text as the learners saw it
    assert (quiz.common_wrong_answer, quiz.wrong_answer_count) == ("absolute loss", 2)

    (exercise,) = report.exercises
    assert (exercise.tried, exercise.passed, exercise.pass_rate) == (3, 2, 0.667)
    assert exercise.median_checks == 2  # 3, 2 and 1 checks
    assert (exercise.common_diagnosis, exercise.diagnosis_count) == (BROADCAST, 3)

    (problem,) = report.problems
    assert problem.path == str(home(tmp_path, "dee") / "progress.json")
    assert "it is not valid JSON" in problem.reason


async def test_csv_and_json_for_a_gradebook_and_problems_never_skipped(tmp_path):
    await make_class(tmp_path)
    courses = [load_course(FIXTURE_COURSE)]
    out, err = io.StringIO(), io.StringIO()
    assert run_report([tmp_path], courses, out, err, fmt="csv") == 1  # one file could not be used
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["learner"] for r in rows] == ["ana", "bo", "cy"]
    assert rows[1]["quizzes_right_first_time"] == "1"
    assert "dee/.local/share/tutor/progress.json: it is not valid JSON" in err.getvalue()

    out = io.StringIO()
    run_report([tmp_path], courses, out, io.StringIO(), fmt="csv", table="exercises")
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["pass_rate"] == "0.667" and row["common_diagnosis"] == BROADCAST

    out = io.StringIO()
    run_report([tmp_path], courses, out, io.StringIO(), fmt="json")
    data = json.loads(out.getvalue())
    assert [q["common_wrong_answer"] for q in data["quizzes"]] == ["absolute loss"]
    assert data["problems"][0]["reason"].startswith("it is not valid JSON")


def test_an_unreadable_file_and_a_path_with_no_progress_are_listed(tmp_path):
    data = tmp_path / "data"
    (data / "progress.json").mkdir(parents=True)  # cannot be read as a file, for root too
    empty = tmp_path / "empty"
    empty.mkdir()
    report = build_report([data / "progress.json", empty, tmp_path / "nope"], [])
    assert report.learners == []
    reasons = {p.path: p.reason for p in report.problems}
    assert reasons[str(data / "progress.json")].startswith("cannot be read (")
    assert reasons[str(empty)].startswith("no progress file here")
    assert reasons[str(tmp_path / "nope")] == "no such file or folder"


async def test_the_terminal_table_through_the_cli(tmp_path):
    await make_class(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "tutor", "--lessons", str(FIXTURE_COURSE), "report",
         str(home(tmp_path, "ana")), str(home(tmp_path, "bo")), str(home(tmp_path, "dee"))],
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "160", "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 1, done.stderr
    out = done.stdout
    for title in ("Learners", "Quizzes", "Exercises", "Files that could not be used"):
        assert title in out
    assert "absolute loss" in out and "ana" in out and "bo" in out
    assert "it is not valid JSON" in out
