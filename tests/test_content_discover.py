"""Finding courses (built-in, --lessons, TUTOR_LESSONS), `tutor check` and `tutor list`."""

from __future__ import annotations

import io
import os
from pathlib import Path

import tutor
from tutor.content.check import run_check, run_list
from tutor.content.discover import builtin_lessons_dir, default_lesson_dirs, discover, load_course
from tutor.content.model import BrokenLesson

ROOT = Path(__file__).resolve().parent.parent


def lesson(lesson_id: str, lang: str = "en", title: str = "A lesson", quiz: str = "") -> str:
    quiz_block = (f"\n```quiz\nid: {quiz}\ntype: number\nprompt: How many?\nanswer: 3\n```\n"
                  if quiz else "")
    return f"---\nid: {lesson_id}\ntitle: {title}\nlang: {lang}\n---\n## Step\n\nText.\n{quiz_block}"


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_in_a_checkout_the_built_in_course_is_the_repository_lessons_folder():
    assert builtin_lessons_dir() == ROOT / "lessons"


def test_an_installed_package_reads_the_course_shipped_inside_it(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "tutor"
    write(package / "_lessons", {"01-a.md": lesson("a")})
    (package / "__init__.py").write_text("")
    monkeypatch.setattr(tutor, "__file__", str(package / "__init__.py"))
    assert builtin_lessons_dir() == package / "_lessons"
    (course,) = discover([], None)
    assert course.name == "built-in" and [l.id for l in course.lessons] == ["a"]


def test_the_authoring_guide_and_editor_files_are_not_lessons(tmp_path):
    folder = write(tmp_path / "course", {
        "README.md": "# Guide\n", "README.zh.md": "# 指南\n", ".#01-a.md": "lock",
        "01-a.md": lesson("a"), "notes.txt": "not markdown"})
    (folder / "sub").mkdir()
    write(folder / "sub", {"02-b.md": lesson("b")})
    course = load_course(folder)
    assert [l.path.name for l in course.lessons] == ["01-a.md"] and course.broken == []


def test_lessons_are_ordered_by_file_name_with_originals_before_translations(tmp_path):
    folder = write(tmp_path / "c", {
        "02-b.md": lesson("b"), "01-a.zh.md": lesson("a", "zh"), "01-a.md": lesson("a"),
        "10-c.md": lesson("c")})
    course = load_course(folder)
    assert [l.path.name for l in course.lessons] == ["01-a.md", "01-a.zh.md", "02-b.md", "10-c.md"]
    assert [l.lang for l in course.in_language("zh")] == ["zh", "en", "en"]


def test_one_broken_file_never_stops_the_others(tmp_path):
    folder = write(tmp_path / "c", {"01-a.md": lesson("a"), "02-b.md": "---\nid: b\n",
                                    "03-c.md": lesson("c")})
    (folder / "04-d.md").write_bytes(b"\xff\xfe")
    course = load_course(folder)
    assert [l.id for l in course.lessons] == ["a", "c"]
    assert [b.path.name for b in course.broken] == ["02-b.md", "04-d.md"]
    assert all(isinstance(b, BrokenLesson) and b.errors for b in course.broken)


def test_discover_reads_built_in_then_lessons_dirs_then_tutor_lessons(tmp_path):
    one = write(tmp_path / "one", {"01-x.md": lesson("x")})
    two = write(tmp_path / "two", {"01-y.md": lesson("y")})
    three = write(tmp_path / "three", {"01-z.md": lesson("z")})
    courses = discover([one], os.pathsep.join([str(two), "", str(three)]))
    assert [c.name for c in courses] == ["built-in", "one", "two", "three"]
    assert [c.lessons[0].id for c in courses[1:]] == ["x", "y", "z"]


def test_discover_reads_the_environment_by_default(tmp_path, monkeypatch):
    folder = write(tmp_path / "env", {"01-x.md": lesson("x")})
    monkeypatch.setenv("TUTOR_LESSONS", str(folder))
    assert [c.name for c in discover()] == ["built-in", "env"]
    monkeypatch.delenv("TUTOR_LESSONS")
    assert [c.name for c in discover()] == ["built-in"]


def test_a_folder_named_twice_is_loaded_once(tmp_path):
    folder = write(tmp_path / "c", {"01-x.md": lesson("x")})
    courses = discover([folder, folder], str(folder))
    assert [c.name for c in courses] == ["built-in", "c"]


def test_missing_empty_and_non_folders_are_error_entries_not_crashes(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    a_file = write(tmp_path, {"file.md": lesson("f")}) / "file.md"
    courses = discover([tmp_path / "missing", empty], str(a_file))
    messages = [c.broken[0].errors[0].message for c in courses[1:]]
    assert messages == [
        "this lesson folder does not exist (from --lessons)",
        "this folder holds no lesson files (*.md) (from --lessons)",
        "this is not a folder; give the folder that holds the lesson files (from TUTOR_LESSONS)"]
    assert all(c.lessons == [] for c in courses[1:])


def test_check_without_errors_prints_one_summary_line(tmp_path):
    folder = write(tmp_path / "c", {"01-a.md": lesson("a", quiz="a-q"),
                                    "01-a.zh.md": lesson("a", "zh", quiz="a-q")})
    out, err = io.StringIO(), io.StringIO()
    assert run_check([folder], out, err) == 0
    assert out.getvalue() == "checked 2 lesson files in 1 course: no errors\n"
    assert err.getvalue() == ""


def test_check_reports_a_path_that_does_not_exist(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert run_check([tmp_path / "nope.md"], out, err) == 1
    # a missing path has no line to point at: the message names the path alone
    assert err.getvalue().splitlines()[0] == f"{tmp_path / 'nope.md'}: error: no such file or folder"


def test_check_without_paths_checks_the_built_in_course_and_tutor_lessons(tmp_path, monkeypatch):
    package = tmp_path / "tutor"
    write(package / "_lessons", {"01-a.md": lesson("a"), "02-b.md": lesson("b")})
    monkeypatch.setattr(tutor, "__file__", str(package / "__init__.py"))
    folder = write(tmp_path / "extra", {"01-a.md": lesson("c", lang="fr")})
    out, err = io.StringIO(), io.StringIO()
    assert run_check([], out, err, env_value=str(folder)) == 1
    assert err.getvalue().splitlines() == [
        f"{folder / '01-a.md'}:4:7: error: lang fr cannot be shown: the tutor's screens are in "
        f"en and zh only; write lang: en or lang: zh",
        "checked 3 lesson files in 2 courses: 1 error in 1 file"]


def test_list_shows_courses_lessons_ids_languages_and_broken_files(tmp_path):
    folder = write(tmp_path / "mine", {
        "01-a.md": lesson("a", title="First"), "01-a.zh.md": lesson("a", "zh", title="第一"),
        "02-b.md": lesson("b", title="Second"), "03-c.md": "oops\n"})
    out = io.StringIO()
    assert run_list([load_course(folder)], out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == f"mine ({folder}): 2 lessons, languages en zh"
    assert lines[1].split() == ["01-a", "a", "en", "zh", "First"]
    assert lines[2].split() == ["02-b", "b", "en", "Second"]
    assert lines[3].startswith(f"  broken: {folder / '03-c.md'}:1:1: error: the lesson has no "
                               f"front matter")


def generated_course(folder: Path, lessons: int) -> Path:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_lessons", ROOT / "bench" / "lessons.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    folder.mkdir()
    bench.write_course(folder, 2 * lessons)
    return folder


def test_the_benchmarks_generated_course_loads_without_errors(tmp_path):
    # bench/lessons.py times loading this course (speed is measured there, not in a test)
    course = load_course(generated_course(tmp_path / "c", 15))
    assert len(course.lessons) == 30 and course.errors() == []


def test_default_lesson_dirs_are_built_in_then_lessons_dirs_then_tutor_lessons(tmp_path):
    assert default_lesson_dirs([tmp_path / "a"], os.pathsep.join([str(tmp_path / "b"), ""])) == [
        builtin_lessons_dir(), tmp_path / "a", tmp_path / "b"]
