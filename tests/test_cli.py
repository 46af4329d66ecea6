"""The command line as a user runs it: `python -m tutor ...` in a subprocess, exit codes and output.

Black-box: nothing here calls tutor's functions directly except to prepare a data dir with
progress in it. No command may ever print a Python traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.content.discover import builtin_lessons_dir, lesson_files
from tutor.content.model import Lesson
from tutor.content.parse import parse_lesson
from tutor.progress import ProgressStore

TESTS = Path(__file__).resolve().parent
BROKEN = TESTS / "lessons_broken"
# gcc-style: path:line:col: error: message
GCC_LINE = re.compile(r"^(?P<path>[^:\n]+\.md):(?P<line>\d+):(?P<col>\d+): error: \S.*$")


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
        cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("TUTOR_LESSONS", "TUTOR_DATA_DIR")}
    environment.update(env or {})
    environment["PYTHONIOENCODING"] = "utf-8"
    result = subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        cwd=cwd,
        timeout=timeout,
    )
    assert "Traceback (most recent call last)" not in result.stderr, result.stderr
    assert "Traceback (most recent call last)" not in result.stdout, result.stdout
    return result


def builtin_lessons() -> list[Lesson]:
    parsed = [parse_lesson(path) for path in lesson_files(builtin_lessons_dir())]
    return [lesson for lesson in parsed if isinstance(lesson, Lesson)]


# -- help and version ----------------------------------------------------------------


def test_help_names_the_subcommands_and_the_environment():
    result = run("--help")
    assert result.returncode == 0
    assert result.stderr == ""
    for command in ("check", "list", "reset", "practice"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.M), f"--help does not list {command}"
    assert "TUTOR_DATA_DIR" in result.stdout
    assert "--data-dir" in result.stdout
    assert result.stdout.startswith("usage: tutor")


def test_version():
    import tutor

    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"tutor {tutor.__version__}"


def test_subcommand_help_works():
    for command in ("check", "list", "reset"):
        result = run(command, "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert f"usage: tutor {command}" in result.stdout


# -- check -----------------------------------------------------------------------------


def test_check_builtin_course_is_valid_in_one_line(tmp_path):
    # from outside the checkout, so the built-in course is found by the package, not the cwd
    result = run("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    files = len(lesson_files(builtin_lessons_dir()))
    assert re.fullmatch(rf"checked {files} lesson files in 1 course: no errors", lines[0]), lines[0]
    assert result.stderr == ""


def test_check_broken_corpus_prints_gcc_style_errors():
    result = run("check", str(BROKEN))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    errors = [line for line in lines if GCC_LINE.match(line)]
    # every line but the closing summary is path:line:col: error: ...
    assert lines[:-1] == errors, [line for line in lines[:-1] if not GCC_LINE.match(line)]
    assert re.fullmatch(r"checked \d+ lesson files? in \d+ courses?: \d+ errors? in \d+ files?", lines[-1]), lines[-1]
    # every broken file of the corpus is named, with a real line number
    named = {Path(GCC_LINE.match(line)["path"]).name for line in errors}
    top_level = {p.name for p in BROKEN.glob("*.md")}
    assert top_level <= named, sorted(top_level - named)
    for line in errors:
        match = GCC_LINE.match(line)
        assert int(match["line"]) >= 1 and int(match["col"]) >= 1, line
        assert Path(match["path"]).exists() or not Path(match["path"]).is_absolute(), line


def test_check_one_broken_file_names_its_line():
    result = run("check", str(BROKEN / "misspelt-directive.md"))
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{BROKEN / 'misspelt-directive.md'}:"), first
    assert GCC_LINE.match(first), first
    assert "quiz" in first  # says what is allowed instead of ```quizz


def test_check_valid_file_and_broken_file_together():
    valid = builtin_lessons_dir() / "01-data.md"
    result = run("check", str(valid), str(BROKEN / "empty.md"))
    assert result.returncode == 1
    assert "01-data.md" not in result.stderr
    assert "empty.md:" in result.stderr


def test_check_missing_path_is_a_clear_error(tmp_path):
    missing = tmp_path / "no-such-folder"
    result = run("check", str(missing))
    assert result.returncode != 0
    assert str(missing) in result.stderr
    assert re.search(r"no such file|does not exist|not found", result.stderr, re.I), result.stderr


# -- list ------------------------------------------------------------------------------


def test_list_shows_every_builtin_lesson_id_and_language(tmp_path):
    result = run("list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lessons = builtin_lessons()
    ids = {lesson.id for lesson in lessons}
    assert ids, "no built-in lessons found"
    for lesson_id in ids:
        langs = sorted(lesson.lang for lesson in lessons if lesson.id == lesson_id)
        row = re.search(rf"^\s+\S+\s+{re.escape(lesson_id)}\s+{' '.join(langs)}\s", result.stdout, re.M)
        assert row, f"{lesson_id} ({' '.join(langs)}) not listed:\n{result.stdout}"
    assert "built-in" in result.stdout


def test_list_with_extra_lessons_folder_shows_broken_files(tmp_path):
    course = TESTS / "fixtures" / "course"
    result = run("list", "--lessons", str(course), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^\s+\S+\s+demo\s+en\s", result.stdout, re.M), result.stdout
    assert "broken:" in result.stdout and "02-broken.md" in result.stdout


def test_list_with_env_lessons(tmp_path):
    course = TESTS / "fixtures" / "course"
    result = run("list", env={"TUTOR_LESSONS": str(course)}, cwd=tmp_path)
    assert result.returncode == 0
    assert re.search(r"^\s+\S+\s+demo\s+en\s", result.stdout, re.M), result.stdout


# -- reset -----------------------------------------------------------------------------


def make_progress(data_dir: Path) -> None:
    store = ProgressStore(data_dir)
    store.load()
    store.set_step("data", 2)
    store.save_cell("data", "data:1", "print('mine')\n")
    assert store.has_data()
    assert (data_dir / "progress.json").is_file()


def test_reset_yes_removes_progress(tmp_path):
    data = tmp_path / "data"
    make_progress(data)
    result = run("reset", "--yes", "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    assert not (data / "progress.json").exists()
    assert not (data / "cells").exists()
    assert str(data) in result.stdout


def test_reset_with_data_dir_from_environment(tmp_path):
    data = tmp_path / "data"
    make_progress(data)
    result = run("reset", "--yes", env={"TUTOR_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    assert not (data / "progress.json").exists()


def test_reset_answer_no_keeps_progress(tmp_path):
    data = tmp_path / "data"
    make_progress(data)
    before = (data / "progress.json").read_bytes()
    result = run("reset", "--data-dir", str(data), stdin="n\n")
    assert result.returncode == 1
    assert "[y/N]" in result.stdout
    assert (data / "progress.json").read_bytes() == before
    assert (data / "cells").is_dir()


def test_reset_answer_yes_on_stdin_removes_progress(tmp_path):
    data = tmp_path / "data"
    make_progress(data)
    result = run("reset", "--data-dir", str(data), stdin="y\n")
    assert result.returncode == 0, result.stderr
    assert not (data / "progress.json").exists()


def test_reset_with_closed_stdin_keeps_progress(tmp_path):
    data = tmp_path / "data"
    make_progress(data)
    result = run("reset", "--data-dir", str(data), stdin="")
    assert result.returncode == 1
    assert (data / "progress.json").exists()


def test_reset_with_nothing_to_reset(tmp_path):
    result = run("reset", "--yes", "--data-dir", str(tmp_path / "empty"))
    assert result.returncode == 0
    assert "Nothing to reset" in result.stdout


# -- usage errors ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "12Q", "1M", "-4G", ""])
def test_bad_kernel_memory_is_a_usage_error(value, tmp_path):
    result = run(f"--kernel-memory={value}", "list", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("usage: tutor")
    assert "--kernel-memory" in result.stderr


def test_unknown_subcommand_is_a_usage_error():
    result = run("frobnicate")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_bad_lang_is_a_usage_error():
    result = run("--lang", "fr", "list")
    assert result.returncode == 2
    assert "--lang" in result.stderr
