"""`pip install .` ships the built-in course: build a wheel, install it in a throwaway venv, run it
from outside the checkout.

The throwaway venv gets the wheel alone (`--no-deps`); torch, textual and the rest come from this
test's own venv through a .pth file that lists its site-packages. Paths added by a .pth are not
scanned for more .pth files, so the editable install of tutor in this venv (itself a .pth) stays
invisible there: the test asserts that `tutor` is imported from the throwaway venv.
"""

from __future__ import annotations

import os
import re
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tutor.content.discover import lesson_files
from tutor.content.model import Lesson
from tutor.content.parse import parse_lesson

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def checkout_lessons() -> dict[str, set[str]]:
    """lesson id -> languages, from the checkout's lessons/ (what the wheel must carry)."""
    found: dict[str, set[str]] = {}
    for path in lesson_files(ROOT / "lessons"):
        lesson = parse_lesson(path)
        assert isinstance(lesson, Lesson), f"{path} does not parse"
        found.setdefault(lesson.id, set()).add(lesson.lang)
    return found


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "TUTOR_LESSONS", "TUTOR_DATA_DIR", "PYTHONSTARTUP")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run(argv: list, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=clean_env(), capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from this checkout (pip's build isolation fetches hatchling)."""
    wheels = tmp_path_factory.mktemp("wheels")
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, ROOT], cwd=wheels)
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = wheels.glob("tutor-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """The python of a throwaway venv holding only the wheel built from this checkout."""
    tmp = tmp_path_factory.mktemp("packaging")
    venv = tmp / "venv"
    made = run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    # this venv's pip installs into the throwaway venv (pip >= 22.3)
    inst = run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel], cwd=tmp)
    assert inst.returncode == 0, inst.stdout + inst.stderr

    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp)
    target = Path(purelib.stdout.strip())
    assert target.is_dir() and venv in target.parents
    (target / "test-deps.pth").write_text("".join(f"{p}\n" for p in site.getsitepackages()))
    return python


def test_wheel_holds_the_lessons(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in lesson_files(ROOT / "lessons"):
        assert f"tutor/_lessons/{path.name}" in names, f"{path.name} missing from the wheel"
    assert "tutor/__main__.py" in names and "tutor/ui/tutor.tcss" in names
    assert not any(n.startswith(("tests/", "bench/", "lessons/")) for n in names), sorted(names)[:20]


def test_installed_tutor_is_the_wheel_not_the_checkout(installed, tmp_path):
    script = "import tutor, textual, sys; print(tutor.__file__); print(sys.prefix)"
    result = run([installed, "-c", script], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    tutor_file, prefix = result.stdout.split()
    venv = installed.parent.parent
    assert Path(tutor_file).is_relative_to(venv), tutor_file
    assert not Path(tutor_file).is_relative_to(ROOT), tutor_file
    assert Path(prefix) == venv


def test_installed_tutor_lists_the_builtin_course(installed, tmp_path):
    expected = checkout_lessons()
    assert expected, "the checkout has no lessons"
    result = run([installed, "-m", "tutor", "list"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    venv = installed.parent.parent
    header = result.stdout.splitlines()[0]
    assert "_lessons" in header and str(venv) in header, header  # read from the installed package
    listed = {}
    for match in re.finditer(r"^\s+\S+\s+(?P<id>[a-z0-9][a-z0-9-]*)\s+(?P<langs>(?:[a-z]{2}\s)+)", result.stdout, re.M):
        listed[match["id"]] = set(match["langs"].split())
    assert listed == expected, result.stdout
    assert all(langs == {"en", "zh"} for langs in listed.values()), listed
    assert "broken" not in result.stdout


def test_installed_tutor_has_the_fifteen_lessons(installed, tmp_path):
    """The issue's course: fifteen lessons, each in English and Chinese."""
    result = run([installed, "-m", "tutor", "list"], cwd=tmp_path)
    header = result.stdout.splitlines()[0]
    assert re.search(r": 15 lessons, languages en zh$", header), header


def test_installed_tutor_check_passes(installed, tmp_path):
    result = run([installed, "-m", "tutor", "check"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    files = len(lesson_files(ROOT / "lessons"))
    assert result.stdout.strip() == f"checked {files} lesson files in 1 course: no errors"


def test_installed_tutor_help_and_version(installed, tmp_path):
    result = run([installed, "-m", "tutor", "--version"], cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("tutor ")
    script = installed.parent / "tutor"
    assert script.exists(), "the console script `tutor` was not installed"
    result = run([script, "--help"], cwd=tmp_path)
    assert result.returncode == 0 and "TUTOR_DATA_DIR" in result.stdout
