"""The app's process never loads torch: only the kernel beside it does.

Each check runs in a fresh interpreter (a subprocess), so what the test process itself imported
cannot hide or fake the result.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tutor.content

TESTS = Path(__file__).resolve().parent
FIXTURE_COURSE = TESTS / "fixtures" / "course"

# The app's side: the UI and everything it imports, and the CLI.
APP_SIDE = [
    "tutor",
    "tutor.cli",
    "tutor.ui.app",
    "tutor.ui.kernel_host",
    "tutor.quiz",
    "tutor.progress",
    "tutor.i18n",
    "tutor.kernel.client",
    "tutor.kernel.protocol",
    *sorted(f"tutor.content.{m.name}" for m in pkgutil.iter_modules(tutor.content.__path__)),
]


def python(code: str, *args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TUTOR_LESSONS", "TUTOR_DATA_DIR")}
    env.setdefault("OMP_NUM_THREADS", "1")
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


def test_content_package_has_the_modules_we_expect():
    # guards the list above against a rename: a module that no longer exists would be skipped
    assert {"tutor.content.model", "tutor.content.parse", "tutor.content.check",
            "tutor.content.discover"} <= set(APP_SIDE)


@pytest.mark.parametrize("module", APP_SIDE)
def test_importing_app_side_module_leaves_torch_out(module):
    code = textwrap.dedent(
        f"""
        import importlib, json, sys
        importlib.import_module({module!r})
        heavy = sorted(m for m in sys.modules if m == "torch" or m.startswith("torch.")
                       or m == "numpy" or m.startswith("numpy."))
        print(json.dumps(heavy))
        """
    )
    result = python(code)
    assert result.returncode == 0, result.stderr
    heavy = json.loads(result.stdout.strip().splitlines()[-1])
    assert not [m for m in heavy if m.split(".")[0] == "torch"], f"import {module} loaded torch"


def test_all_app_side_modules_together_leave_torch_out():
    code = "import sys\n" + "".join(f"import {m}\n" for m in APP_SIDE) + "print('torch' in sys.modules)"
    result = python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_cli_help_and_list_do_not_import_textual_or_torch():
    code = textwrap.dedent(
        """
        import contextlib, io, sys
        from tutor.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["list"])
        print(code, "torch" in sys.modules, "textual" in sys.modules)
        """
    )
    result = python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False", "False"]


RUN_APP = textwrap.dedent(
    """
    import asyncio, json, sys, tempfile, time
    from pathlib import Path

    from tutor.content.discover import load_course
    from tutor.content.model import Experiment
    from tutor.settings import Settings
    from tutor.ui.app import make_app
    from tutor.ui.widgets.experiment import ExperimentPanel

    course = load_course(Path(sys.argv[1]))
    (lesson,) = [l for l in course.lessons if l.id == "demo"]
    target = next(i for i, step in enumerate(lesson.steps)
                  if any(isinstance(b, Experiment) for b in step.blocks))
    report = {"target": target}

    async def main():
        with tempfile.TemporaryDirectory() as data:
            app = make_app(Settings(data_dir=Path(data)), [course])
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                report["torch_before_run"] = "torch" in sys.modules
                await pilot.press("enter")  # the first lesson: demo
                await pilot.pause()
                for _ in range(target):
                    await pilot.press("ctrl+n")
                    await pilot.pause()
                panels = list(app.screen.query(ExperimentPanel))
                report["panels"] = len(panels)
                await pilot.press("ctrl+r")
                status = ""
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    await pilot.pause(0.2)
                    status = str(panels[0].query_one("#status").render())
                    if status.startswith("done") or "failed" in status or "cancel" in status.lower():
                        break
                report["status"] = status
                await pilot.press("ctrl+q")
            report["torch_in_app"] = "torch" in sys.modules
            report["torch_like"] = sorted(m for m in sys.modules if m.split(".")[0] == "torch")

    asyncio.run(main())
    print("REPORT " + json.dumps(report))
    """
)


@pytest.mark.slow
def test_app_runs_an_experiment_without_loading_torch_itself(tmp_path):
    result = python(RUN_APP, str(FIXTURE_COURSE), cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(l for l in result.stdout.splitlines() if l.startswith("REPORT "))
    report = json.loads(line.removeprefix("REPORT "))
    assert report["panels"] == 1, report
    assert report["status"].startswith("done"), report  # the kernel really ran it
    assert report["torch_before_run"] is False, report
    assert report["torch_in_app"] is False, report
    assert report["torch_like"] == [], report
