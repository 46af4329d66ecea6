"""`tutor report PATH...`: what a class did, gathered from its learners' progress files.

A PATH is a progress.json, a learner's data dir, a home dir (its .local/share/tutor), or a folder
of those (/home on a class server: `tutor report /home/*`). Each learner's file is read with the
same checks as the app's (tutor.progress_format), never changed, and a file that cannot be read or
used is listed with the reason rather than skipped. Three tables:

    learners   lessons done / in progress, quizzes right first time, exercises passed, hints and
               solutions used, last active
    quizzes    per quiz: learners who tried it, right first time, the most common wrong answer
    exercises  per exercise: learners who tried it, pass rate, median checks, most frequent diagnosis

Printed as Rich tables, or as CSV (one table, `--table`) or JSON (all of it) for a gradebook.
No torch and no textual here.
"""

from __future__ import annotations

import csv
import json
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.content.model import Course, Lesson, Quiz
from tutor.files import reason
from tutor.progress import DONE, IN_PROGRESS, PROGRESS_FILE
from tutor.progress_format import parse
from tutor.safe_text import visible

DATA_DIR_IN_HOME = Path(".local/share/tutor")
TABLES = ("learners", "quizzes", "exercises")


@dataclass
class LearnerRow:
    learner: str
    lessons_done: int
    lessons_in_progress: int
    quizzes_tried: int
    quizzes_right_first_time: int
    exercises_tried: int
    exercises_passed: int
    hints_used: int
    solutions_seen: int
    last_active: str


@dataclass
class QuizRow:
    lesson: str
    quiz: str
    tried: int
    right_first_time: int
    common_wrong_answer: str
    wrong_answer_count: int


@dataclass
class ExerciseRow:
    lesson: str
    exercise: str
    tried: int
    passed: int
    pass_rate: float
    median_checks: float
    common_diagnosis: str
    diagnosis_count: int


@dataclass
class Problem:
    path: str
    reason: str


@dataclass
class ClassReport:
    learners: list[LearnerRow] = field(default_factory=list)
    quizzes: list[QuizRow] = field(default_factory=list)
    exercises: list[ExerciseRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# ---- finding the files --------------------------------------------------------------------------


def progress_files(paths: Iterable[Path]) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """(learner name, progress file) for every learner found under `paths`, and what was not."""
    found: list[tuple[str, Path]] = []
    problems: list[Problem] = []
    for path in map(Path, paths):
        before = len(found)
        if path.is_file() or path.name == PROGRESS_FILE:
            found.append((_learner_name(path.parent), path))
        elif path.is_dir():
            found += _in_folder(path)
            if len(found) == before:
                problems.append(Problem(str(path), "no progress file here (looked for "
                                                   f"{PROGRESS_FILE}, {DATA_DIR_IN_HOME}/"
                                                   f"{PROGRESS_FILE} and those of sub-folders)"))
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    return found, problems


def _in_folder(folder: Path) -> list[tuple[str, Path]]:
    for data_dir in (folder, folder / DATA_DIR_IN_HOME):
        if (data_dir / PROGRESS_FILE).exists():
            return [(_learner_name(data_dir), data_dir / PROGRESS_FILE)]
    # a folder of homes or data dirs: one level down, as /home holds one home per learner
    found = []
    try:
        children = sorted(p for p in folder.iterdir() if p.is_dir())
    except OSError:
        return []
    for child in children:
        for data_dir in (child, child / DATA_DIR_IN_HOME):
            if (data_dir / PROGRESS_FILE).exists():
                found.append((_learner_name(data_dir), data_dir / PROGRESS_FILE))
                break
    return found


def _learner_name(data_dir: Path) -> str:
    """The home dir's name for <home>/.local/share/tutor (a class server's account), else the
    data dir's own path."""
    if data_dir.parts[-3:] == DATA_DIR_IN_HOME.parts:
        return data_dir.parents[2].name
    return str(data_dir)


# ---- gathering ----------------------------------------------------------------------------------


def build_report(paths: Sequence[Path], courses: Sequence[Course]) -> ClassReport:
    """Read every learner's progress under `paths`; name quizzes and answers by `courses`."""
    report = ClassReport()
    files, report.problems = progress_files(paths)
    lessons = {lesson.key: lesson for c in courses for lesson in c.in_language("en")}
    quiz_answers: dict[tuple[str, str], list[list[Any]]] = {}
    exercise_records: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for name, path in files:
        data = _read(path, report.problems)
        if data is None:
            continue
        report.learners.append(_learner_row(name, data, lessons))
        for key, lesson in data["lessons"].items():
            for quiz_id, attempts in lesson["quizzes"].items():
                if attempts:
                    quiz_answers.setdefault((key, quiz_id), []).append(attempts)
            for exercise_id, record in lesson["exercises"].items():
                if record["attempts"]:
                    exercise_records.setdefault((key, exercise_id), []).append(record)
    report.quizzes = [_quiz_row(key, quiz_id, tries, lessons.get(key))
                      for (key, quiz_id), tries in sorted(quiz_answers.items())]
    report.exercises = [_exercise_row(key, exercise_id, records)
                        for (key, exercise_id), records in sorted(exercise_records.items())]
    return report


def _read(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except OSError as e:
        problems.append(Problem(str(path), f"cannot be read ({reason(e)})"))
        return None
    data, problem = parse(raw)
    if data is None:
        problems.append(Problem(str(path), problem))
    return data


def _learner_row(name: str, data: dict[str, Any], lessons: dict[str, Lesson]) -> LearnerRow:
    records = data["lessons"]
    statuses = [_status(records[key], lessons.get(key)) for key in records]
    quizzes = [attempts for r in records.values() for attempts in r["quizzes"].values() if attempts]
    exercises = [e for r in records.values() for e in r["exercises"].values() if e["attempts"]]
    stamps = [data.get("active_at") or "", *(a["at"] for q in quizzes for a in q),
              *(e["first_pass"] or "" for e in exercises)]
    return LearnerRow(
        learner=name,
        lessons_done=statuses.count(DONE),
        lessons_in_progress=statuses.count(IN_PROGRESS),
        quizzes_tried=len(quizzes),
        quizzes_right_first_time=sum(1 for q in quizzes if q[0]["correct"]),
        exercises_tried=len(exercises),
        exercises_passed=sum(1 for e in exercises if e["first_pass"] is not None),
        hints_used=sum(e["hints_used"] for r in records.values() for e in r["exercises"].values()),
        solutions_seen=sum(bool(e.get("solution_seen")) for r in records.values()
                           for e in r["exercises"].values()),
        last_active=max(stamps),
    )


def _status(record: dict[str, Any], lesson: Lesson | None) -> str:
    """As ProgressStore.status; a lesson no loaded course has (renamed, another course) counts
    as in progress, since what "done" means for it is unknown."""
    if lesson is None:
        return IN_PROGRESS
    solved = all(any(a["correct"] for a in record["quizzes"].get(q.id, [])) for q in lesson.quizzes())
    passed = all(record["exercises"].get(e.id, {}).get("first_pass") for e in lesson.exercises())
    at_end = record["max_step"] >= len(lesson.steps) - 1
    return DONE if at_end and solved and passed else IN_PROGRESS


def _quiz_row(key: str, quiz_id: str, tries: list[list[Any]], lesson: Lesson | None) -> QuizRow:
    quiz = next((q for q in lesson.quizzes() if q.id == quiz_id), None) if lesson else None
    wrong = Counter(_answer_text(a["answer"], quiz) for attempts in tries for a in attempts
                    if not a["correct"])
    common, count = wrong.most_common(1)[0] if wrong else ("", 0)
    return QuizRow(key, quiz_id, len(tries), sum(1 for t in tries if t[0]["correct"]), common, count)


def _answer_text(answer: Any, quiz: Quiz | None) -> str:
    """A stored answer as the learner saw it: chosen choices by their text, typed text trimmed."""
    if isinstance(answer, list):
        if quiz is not None and all(isinstance(i, int) and 0 <= i < len(quiz.choices) for i in answer):
            return " + ".join(quiz.choices[i].text for i in answer)
        return " + ".join(f"choice {i}" for i in answer)
    return " ".join(str(answer).split())


def _exercise_row(key: str, exercise_id: str, records: list[dict[str, Any]]) -> ExerciseRow:
    passed = sum(1 for r in records if r["first_pass"] is not None)
    diagnoses: Counter[str] = Counter()
    for record in records:
        diagnoses.update(record.get("diagnoses", {}))
    common, count = diagnoses.most_common(1)[0] if diagnoses else ("", 0)
    return ExerciseRow(key, exercise_id, len(records), passed, round(passed / len(records), 3),
                       statistics.median(r["attempts"] for r in records), common, count)


# ---- writing ------------------------------------------------------------------------------------


def run_report(paths: Sequence[Path], courses: Sequence[Course], out: TextIO, err: TextIO, *,
               fmt: str = "table", table: str = "learners") -> int:
    """Print the report; 0 when every file was read, 1 when some could not be (they are listed),
    2 when no learner was found at all."""
    report = build_report(paths, courses)
    if fmt == "json":
        json.dump({name: [asdict(row) for row in getattr(report, name)]
                   for name in (*TABLES, "problems")}, out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "csv":
        _write_csv(getattr(report, table), out)
        for problem in report.problems:
            err.write(f"{problem.path}: {problem.reason}\n")
    else:
        _write_tables(report, out)
    if not report.learners:
        if fmt == "csv" or not report.problems:
            err.write("no learner's progress found\n")
        return 2
    return 1 if report.problems else 0


def _write_csv(rows: Sequence[Any], out: TextIO) -> None:
    columns = list(asdict(rows[0])) if rows else []
    writer = csv.writer(out, lineterminator="\n")
    if columns:
        writer.writerow(columns)
    for row in rows:
        writer.writerow(asdict(row).values())


def _write_tables(report: ClassReport, out: TextIO) -> None:
    console = Console(file=out, highlight=False, soft_wrap=False)
    sections: list[tuple[str, Callable[[Any], list[str]], Sequence[Any]]] = [
        ("Learners", _learner_cells, report.learners),
        ("Quizzes", _quiz_cells, report.quizzes),
        ("Exercises", _exercise_cells, report.exercises),
        ("Files that could not be used", _problem_cells, report.problems),
    ]
    for title, cells, rows in sections:
        if not rows:
            continue
        table = Table(title=title, title_justify="left", title_style="bold")
        for header in cells(None):
            table.add_column(header, overflow="fold")
        for row in rows:
            # learners' answers and file names: shown as text, never read as markup or controls
            table.add_row(*(Text(visible(cell)) for cell in cells(row)))
        console.print(table)


# Each gives the table's headers for None, else one row's cells: short, as a terminal is narrow.

def _learner_cells(row: LearnerRow | None) -> list[str]:
    if row is None:
        return ["learner", "done", "in progress", "quizzes right 1st", "exercises passed",
                "hints", "solutions", "last active"]
    return [row.learner, str(row.lessons_done), str(row.lessons_in_progress),
            f"{row.quizzes_right_first_time}/{row.quizzes_tried}",
            f"{row.exercises_passed}/{row.exercises_tried}", str(row.hints_used),
            str(row.solutions_seen), row.last_active[:16].replace("T", " ")]


def _quiz_cells(row: QuizRow | None) -> list[str]:
    if row is None:
        return ["lesson", "quiz", "tried", "right 1st", "most common wrong answer"]
    wrong = f"{row.common_wrong_answer} ({row.wrong_answer_count})" if row.wrong_answer_count else "–"
    return [row.lesson, row.quiz, str(row.tried), str(row.right_first_time), wrong]


def _exercise_cells(row: ExerciseRow | None) -> list[str]:
    if row is None:
        return ["lesson", "exercise", "tried", "passed", "median checks", "most frequent diagnosis"]
    diagnosis = f"{row.common_diagnosis} ({row.diagnosis_count})" if row.diagnosis_count else "–"
    return [row.lesson, row.exercise, str(row.tried), f"{row.passed} ({row.pass_rate:.0%})",
            f"{row.median_checks:g}", diagnosis]


def _problem_cells(row: Problem | None) -> list[str]:
    return ["file", "why"] if row is None else [row.path, row.reason]


__all__ = ["ClassReport", "build_report", "progress_files", "run_report"]
