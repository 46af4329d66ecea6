"""`tutor check` and `tutor list` as an instructor runs them: subprocesses, exit codes, output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tutor.content.discover import builtin_lessons_dir, lesson_files

TESTS = Path(__file__).resolve().parent
BROKEN = TESTS / "lessons_broken"


def tutor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("TUTOR_LESSONS", "TUTOR_DATA_DIR")}
    environment.update(env or {}, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True,
                          encoding="utf-8", env=environment, timeout=120, check=False)


def course(folder: Path, lesson_id: str, *, broken: bool = False) -> Path:
    folder.mkdir(parents=True)
    quiz = "```quiz\nid: q\ntype: nummber\nprompt: How many?\nanswer: 3\n```\n" if broken else ""
    (folder / "01-mine.md").write_text(f"---\nid: {lesson_id}\ntitle: Mine\nlang: en\n---\n"
                                       f"## One\n\nText.\n\n{quiz}", "utf-8")
    return folder


def test_lessons_given_before_check_are_checked(tmp_path):
    folder = course(tmp_path / "mine", "mine", broken=True)
    for args in (("--lessons", str(folder), "check"), ("check", "--lessons", str(folder))):
        done = tutor(*args)
        assert done.returncode == 1, done
        assert f"{folder / '01-mine.md'}:12:7: error: unknown quiz type 'nummber'" in done.stderr
        files = len(lesson_files(builtin_lessons_dir())) + 1
        assert done.stderr.splitlines()[-1] == f"checked {files} lesson files in 2 courses: 1 error in 1 file"


def test_lessons_given_before_list_are_listed(tmp_path):
    folder = course(tmp_path / "mine", "mine")
    done = tutor("--lessons", str(folder), "list")
    assert done.returncode == 0, done
    assert f"mine ({folder}): 1 lesson, languages en" in done.stdout
    assert "01-mine" in done.stdout


def test_check_of_a_folder_reports_ids_that_shadow_the_built_in_course(tmp_path):
    done = tutor("check", str(BROKEN / "shadow"))
    assert done.returncode == 1
    assert f"{BROKEN / 'shadow' / '01-loss.md'}:2:5: error: lesson id 'loss' is already used" in done.stderr
    assert done.stderr.splitlines()[-1] == "checked 1 lesson file in 1 course: 2 errors in 1 file"


def test_check_of_a_course_file_reports_its_errors(tmp_path):
    done = tutor("check", str(BROKEN / "course-file" / "course.yaml"))
    assert done.returncode == 1
    assert f"{BROKEN / 'course-file' / 'course.yaml'}:3:1: error: order leaves out lesson 'more'" in done.stderr


def test_list_names_a_course_by_its_course_file_in_its_lesson_order(tmp_path):
    folder = course(tmp_path / "mine", "mine")
    (folder / "00-intro.md").write_text("---\nid: intro\ntitle: Intro\nlang: en\n---\n## One\n\nText.\n",
                                        "utf-8")
    (folder / "course.yaml").write_text("title: The lab's course\ndescription: Our own data.\n"
                                        "order: [mine, intro]\n", "utf-8")
    done = tutor("--lessons", str(folder), "list")
    assert done.returncode == 0, done
    lines = done.stdout.splitlines()
    start = lines.index(f"The lab's course ({folder}): 2 lessons, languages en")
    assert lines[start + 1] == "  Our own data."
    assert [line.split()[1] for line in lines[start + 2:start + 4]] == ["mine", "intro"]
