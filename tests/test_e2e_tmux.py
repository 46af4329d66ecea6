"""End to end in a real terminal: tmux runs `python -m tutor`, the test types keys and reads the screen.

Each test starts its own tmux server on a private socket (`tmux -L <unique name>`, no config
file), so a user's tmux sessions are never touched, and kills it afterwards. The app runs in a
shell that writes its exit status to a file, so "quits with status 0" is checked, not assumed.
Kernel processes are found by their command line (`-m tutor.kernel.server`), the app's own as its
children and whatever shares their session (the kernel's sentinel), before and after, so no kernel
may be left behind by the app under test; kernels of other tutors running on the machine are ignored.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tutor.content.discover import discover
from tutor.content.model import Code, Exercise, Experiment, Lesson, Prose, Quiz
from tutor.i18n import t

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds kernel processes through /proc"),
]

BRAILLE = {chr(c) for c in range(0x2800, 0x2900)} - {"\u2800"}  # U+2800 is a blank cell
Y_TICK = "┤"  # plotext draws the y axis ticks only once there is data


def builtin_lessons(lang: str = "en") -> list[Lesson]:
    courses = discover([], None)
    return [lesson for lesson in courses[0].in_language(lang)]


def first_runnable(step) -> object | None:
    """The step's first cell or panel: where tab goes from the prose, what ctrl+r runs."""
    for block in step.blocks:
        if isinstance(block, (Experiment, Exercise, Quiz)) or (isinstance(block, Code) and block.kind == "run"):
            return block
    return None


def prose_opening(step) -> str | None:
    """The first few plain words of the step's prose, as the rendered Markdown shows them."""
    for block in step.blocks:
        if isinstance(block, Prose):
            for line in block.markdown.splitlines():
                words = []
                for word in line.split():
                    if not re.fullmatch(r"[A-Za-z][A-Za-z,.'-]*", word):
                        break
                    words.append(word)
                    if len(words) == 4:
                        break
                if len(words) >= 2:
                    return " ".join(words)
    return None


# -- processes ---------------------------------------------------------------------------


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return raw.decode("utf-8", "replace").split("\0")[:-1]


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def kernels() -> dict[int, list[str]]:
    """Every live kernel process on the machine (what `pgrep -f tutor.kernel.server` finds)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            argv = _cmdline(int(entry.name))
            if "tutor.kernel.server" in argv and _alive(int(entry.name)):
                found[int(entry.name)] = argv
    return found


def _session(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[3])


def children(pid: int) -> list[int]:
    return [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and _ppid(int(e.name)) == pid]


# -- tmux ----------------------------------------------------------------------------------


class Terminal:
    """One tmux server on a private socket, one session running one command."""

    def __init__(self, workdir: Path) -> None:
        self.socket = f"tutor-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.workdir = workdir
        self.rc_file = workdir / "exit-status"
        self.started = False
        self.socket_path = ""
        # tmux itself must run in a UTF-8 locale to keep wide and braille characters
        self.env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "TMUX", "TMUX_PANE")}
        self.env["LC_CTYPE"] = "C.UTF-8"

    def tmux(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True, text=True, encoding="utf-8", errors="replace", env=self.env, timeout=10,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def start(self, argv: list[str], env: dict[str, str], unset: tuple[str, ...] = (), *,
              width: int = 80, height: int = 24) -> None:
        inner = ["env", *(f"-u{name}" for name in unset), *(f"{k}={v}" for k, v in env.items()), *argv]
        # the shell records the app's exit status once the app has gone
        workdir, rc_file = shlex.quote(str(self.workdir)), shlex.quote(str(self.rc_file))
        script = f"cd {workdir} && {shlex.join(inner)}; echo $? > {rc_file}"
        size = ("-x", str(width), "-y", str(height))
        self.tmux("new-session", "-d", "-s", "tutor", *size, "sh", "-c", script)
        self.started = True
        self.socket_path = self.tmux("display-message", "-p", "#{socket_path}").strip()

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "tutor", check=False)

    def screen_with_attributes(self) -> str:
        return self.tmux("capture-pane", "-p", "-e", "-t", "tutor", check=False)

    def keys(self, *keys: str, pause: float = 0.4) -> None:
        # one key at a time with a pause: Escape followed at once by a letter reads as alt+letter
        for key in keys:
            self.tmux("send-keys", "-t", "tutor", key)
            time.sleep(pause)

    def wait_for(self, predicate, what: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            if self.rc_file.exists():
                break
            time.sleep(0.1)
        status = self.rc_file.read_text().strip() if self.rc_file.exists() else "still running"
        raise AssertionError(f"timed out waiting for {what} (app: {status}); the screen:\n{screen}")

    def wait_for_text(self, *texts: str, timeout: float = 20.0) -> str:
        return self.wait_for(lambda s: all(text in s for text in texts), " and ".join(map(repr, texts)), timeout)

    def pane_pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", "tutor", "#{pane_pid}").strip())

    def app_pid(self) -> int:
        """The python process of the app: the child of the pane's shell."""
        shell = self.pane_pid()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for pid in children(shell):
                if "tutor" in _cmdline(pid):
                    return pid
            time.sleep(0.05)
        raise AssertionError("the app's process was not found under the pane's shell")

    def exit_status(self, timeout: float = 15.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.rc_file.exists() and self.rc_file.read_text().strip():
                return int(self.rc_file.read_text().strip())
            time.sleep(0.05)
        raise AssertionError(f"the app did not exit within {timeout} s; the screen:\n{self.screen()}")

    def close(self) -> None:
        if self.started:
            self.tmux("kill-server", check=False)
            if self.socket_path:  # tmux leaves its socket file behind
                Path(self.socket_path).unlink(missing_ok=True)


@pytest.fixture
def terminal(tmp_path):
    term = Terminal(tmp_path)
    try:
        yield term
    finally:
        term.close()


def tutor_argv(data_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "tutor", "--data-dir", str(data_dir), *extra]


ENV_UNSET = ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "TUTOR_LESSONS", "TUTOR_DATA_DIR", "NO_COLOR")


def assert_no_kernel_left(app_pid: int, before: dict[int, list[str]], seen: set[int]) -> None:
    """No kernel of this app is alive: neither one seen while it ran nor a new one under it."""
    deadline = time.monotonic() + 3  # the app waits for its kernel's shutdown; allow for reaping
    while True:
        now = kernels()
        ours = {pid for pid in our_kernels(app_pid) if pid not in before}
        left = ours | {pid for pid in seen if _alive(pid)}
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not left, f"kernel process(es) left behind: {[' '.join(now.get(p, [])) for p in left]}"


GREY_SGR = {30, 37, 90, 97, 40, 47, 100, 107}


def coloured_cells(captured: str) -> set[str]:
    """SGR colours in `capture-pane -e` output that are not black, white or a grey."""
    found = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", captured):
        codes = [int(c) if c else 0 for c in params.split(";")]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    n = codes[i + 2]
                    if not (n in (0, 7, 8, 15, 16, 231) or 232 <= n <= 255):
                        found.add(params)
                    i += 3
                    continue
                if codes[i + 1] == 2 and i + 4 < len(codes):
                    r, g, b = codes[i + 2:i + 5]
                    if not (r == g == b):
                        found.add(params)
                    i += 5
                    continue
            elif (30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 97 or 100 <= code <= 107) \
                    and code not in GREY_SGR:
                found.add(params)
            i += 1
    return found


def our_kernels(app_pid: int) -> set[int]:
    """The app's kernel (its child) and whatever runs in the kernel's session (its sentinel)."""
    found = kernels()
    direct = {pid for pid in found if _ppid(pid) == app_pid}
    sessions = {_session(pid) for pid in direct}
    return direct | {pid for pid in found if _session(pid) in sessions}


# -- the tests -----------------------------------------------------------------------------


def test_lesson_experiment_plot_and_clean_quit(terminal, tmp_path):
    lessons = builtin_lessons("en")
    lesson = lessons[0]
    assert lesson.stem == "01-data" and lesson.title == "Generating the dataset"
    # the first step whose first cell or panel is an experiment
    target = next(
        (i for i, step in enumerate(lesson.steps) if isinstance(first_runnable(step), Experiment)), None
    )
    assert target is not None, f"{lesson.path} has no step whose first cell or panel is an experiment"
    total = len(lesson.steps)

    before = kernels()
    terminal.start(tutor_argv(tmp_path / "data"), {"TERM": "xterm-256color", "LANG": "C.UTF-8"}, ENV_UNSET)
    home = terminal.wait_for_text(t("app.title", "en"), lesson.title)
    assert "Traceback" not in home
    app_pid = terminal.app_pid()

    terminal.keys("Enter")
    step_line = t("lesson.step", "en", n=1, m=total)
    first = terminal.wait_for_text(step_line, lesson.steps[0].title)
    assert lesson.title in first
    opening = prose_opening(lesson.steps[0])
    assert opening and opening in first, (opening, first)  # the step's prose, not only its heading

    for n in range(1, target + 1):
        terminal.keys("C-n")
        terminal.wait_for_text(t("lesson.step", "en", n=n + 1, m=total), lesson.steps[n].title)
    # a step opens with its first block selected, here the experiment: ctrl+r runs it (tab would
    # select the next block, the step's quiz)
    terminal.wait_for_text(t("exp.idle", "en"))  # the panel, not run yet
    terminal.keys("C-r")
    done_prefix = t("exp.done", "en", elapsed="").strip()  # "done in"
    seen = set()

    def plotted(screen: str) -> bool:
        seen.update(our_kernels(app_pid))
        # the panel is taller than the screen: its status line, or the facts shown once it is done
        finished = done_prefix in screen or "w_hat =" in screen
        return finished and any(ch in BRAILLE for ch in screen)

    screen = terminal.wait_for(plotted, "a plotted loss curve and the run's end", timeout=45)
    assert Y_TICK in screen, screen
    assert seen, "no kernel process of this app was found while the experiment ran"

    terminal.keys("Escape", "Escape", pause=0.6)
    terminal.wait_for_text(t("app.title", "en"), lesson.title, timeout=5)
    terminal.keys("q", pause=0)
    assert terminal.exit_status() == 0
    assert_no_kernel_left(app_pid, before, seen)


def test_home_readable_without_colour_on_a_console_terminal(terminal, tmp_path):
    lessons = builtin_lessons("en")
    before = kernels()
    terminal.start(
        tutor_argv(tmp_path / "data"),
        {"NO_COLOR": "1", "TERM": "linux", "LANG": "C"},
        tuple(n for n in ENV_UNSET if n != "NO_COLOR") + ("LC_CTYPE",),
    )
    home = terminal.wait_for_text(t("app.title", "en"), lessons[0].title)
    app_pid = terminal.app_pid()
    # the lessons are listed by their titles (in English: LANG=C); a long title may be cut at 80
    for lesson in lessons[:14]:
        assert lesson.title[:32] in home, f"{lesson.title!r} not on the home screen:\n{home}"
    assert "Traceback" not in home
    # NO_COLOR: Textual draws in shades of grey (black, white, greys); no hue in any cell
    hues = coloured_cells(terminal.screen_with_attributes())
    assert not hues, f"NO_COLOR=1 but the screen has colours: {sorted(hues)[:5]}"

    # a lesson with non-ASCII text (ε, ²) opens without a crash under LANG=C
    terminal.keys("Enter")
    lesson_screen = terminal.wait_for_text(t("lesson.step", "en", n=1, m=len(lessons[0].steps)))
    assert "Traceback" not in lesson_screen
    terminal.keys("Escape", pause=0.6)
    terminal.wait_for_text(t("app.title", "en"), timeout=5)
    terminal.keys("q", pause=0)
    assert terminal.exit_status() == 0
    assert_no_kernel_left(app_pid, before, set())


def test_too_small_terminal_then_recovers(terminal, tmp_path):
    lessons = builtin_lessons("en")
    before = kernels()
    terminal.start(tutor_argv(tmp_path / "data"), {"TERM": "xterm-256color", "LANG": "C.UTF-8"}, ENV_UNSET,
                   width=60, height=20)
    small = terminal.wait_for_text("Terminal too small (need 80x24")
    assert "have 60x20" in small
    assert lessons[0].title not in small  # no broken layout behind the message
    app_pid = terminal.app_pid()

    terminal.tmux("resize-window", "-t", "tutor", "-x", "80", "-y", "24")
    home = terminal.wait_for_text(t("app.title", "en"), lessons[0].title, timeout=10)
    assert "too small" not in home

    # and again: smaller, then larger
    terminal.tmux("resize-window", "-t", "tutor", "-x", "79", "-y", "24")
    terminal.wait_for_text("have 79x24", timeout=10)
    terminal.tmux("resize-window", "-t", "tutor", "-x", "100", "-y", "30")
    terminal.wait_for_text(t("app.title", "en"), lessons[0].title, timeout=10)

    terminal.keys("q", pause=0)
    assert terminal.exit_status() == 0
    assert_no_kernel_left(app_pid, before, set())


def test_exercise_edited_in_visual_is_checked_when_the_editor_exits(terminal, tmp_path):
    """ctrl+g suspends the app for $VISUAL (as `git commit` does); on return the code is checked."""
    lessons = builtin_lessons("en")
    index, lesson = next((i, l) for i, l in enumerate(lessons) if l.id == "loss")
    target = next(i for i, step in enumerate(lesson.steps) if any(isinstance(b, Exercise) for b in step.blocks))
    editor = tmp_path / "fake-editor"
    solution = "def squared_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n"
    editor.write_text(f"#!/bin/sh\ncat > \"$1\" <<'EOF'\n{solution}EOF\n", encoding="utf-8")
    editor.chmod(0o755)

    terminal.start(
        tutor_argv(tmp_path / "data"),
        {"TERM": "xterm-256color", "LANG": "C.UTF-8", "VISUAL": str(editor)},
        ENV_UNSET,
    )
    terminal.wait_for_text(t("app.title", "en"), lesson.title)
    terminal.keys(*["Down"] * (index + 1), "Enter")  # below the "Start with" line
    terminal.wait_for_text(t("lesson.step", "en", n=1, m=len(lesson.steps)))
    for n in range(1, target + 1):
        terminal.keys("C-n")
        terminal.wait_for_text(t("lesson.step", "en", n=n + 1, m=len(lesson.steps)))
    terminal.keys("C-g")
    terminal.wait_for_text("passes every case", timeout=60)
    saved = tmp_path / "data" / "exercises" / "squared-loss.py"
    assert saved.read_text(encoding="utf-8") == solution
    terminal.keys("C-q", pause=0)
    assert terminal.exit_status() == 0


def extended_colours(captured: str) -> set[str]:
    """SGR sequences beyond the 16 basic colours: 256-colour (38;5;n, n >= 16) or truecolor."""
    found = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", captured):
        codes = params.split(";")
        for i, code in enumerate(codes[:-1]):
            if code in ("38", "48") and (codes[i + 1] == "2" or (codes[i + 1] == "5" and int(codes[i + 2]) >= 16)):
                found.add(params)
    return found


def test_a_16_colour_terminal_gets_only_the_16_colours(terminal, tmp_path):
    lessons = builtin_lessons("en")
    terminal.start(tutor_argv(tmp_path / "data"), {"TERM": "screen", "LANG": "C.UTF-8"}, ENV_UNSET + ("COLORTERM",))
    terminal.wait_for_text(t("app.title", "en"), lessons[0].title)
    assert not extended_colours(terminal.screen_with_attributes())
    terminal.keys("Enter")
    screen = terminal.wait_for_text(t("lesson.step", "en", n=1, m=len(lessons[0].steps)))
    assert "Traceback" not in screen
    assert not extended_colours(terminal.screen_with_attributes())
    terminal.keys("C-q", pause=0)
    assert terminal.exit_status() == 0


def first_cell_step(lesson: Lesson) -> int:
    """The first step whose first block is a code cell the learner runs."""
    return next(
        i for i, step in enumerate(lesson.steps)
        if isinstance(first_runnable(step), Code) and first_runnable(step).kind == "run"
    )


def open_step(terminal: Terminal, lesson: Lesson, target: int) -> None:
    terminal.wait_for_text(t("app.title", "en"), lesson.title)
    terminal.keys("Enter")
    terminal.wait_for_text(t("lesson.step", "en", n=1, m=len(lesson.steps)))
    for n in range(1, target + 1):
        terminal.keys("C-n")
        terminal.wait_for_text(t("lesson.step", "en", n=n + 1, m=len(lesson.steps)))


def saved_cells(data_dir: Path) -> dict[str, str]:
    return {str(p.relative_to(data_dir)): p.read_text(encoding="utf-8") for p in data_dir.glob("cells/**/*.py")}


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_signal_saves_the_edit_ends_the_kernel_and_gives_the_terminal_back(terminal, tmp_path, signame):
    """kill -TERM, or a dropped SSH link's SIGHUP, right after a keystroke (before the save timer)."""
    lesson = builtin_lessons("en")[0]
    target = first_cell_step(lesson)
    data = tmp_path / "data"
    status_file = tmp_path / "app-status"
    # the pane's shell outlives the app, so the terminal's state after it can be read
    inner = f"{shlex.join(tutor_argv(data))}; echo $? > {shlex.quote(str(status_file))}; "
    inner += "echo SHELL-IS-BACK; sleep 60"
    before = kernels()
    terminal.start(["sh", "-c", inner], {"TERM": "xterm-256color", "LANG": "C.UTF-8"}, ENV_UNSET)
    open_step(terminal, lesson, target)
    app_pid = _app_under(terminal.pane_pid())
    terminal.wait_for(lambda s: bool(our_kernels(app_pid)), "the kernel to start", timeout=30)
    seen = our_kernels(app_pid)
    assert terminal.tmux("display-message", "-p", "-t", "tutor", "#{alternate_on}").strip() == "1"

    terminal.keys("Enter", "End", pause=0.3)  # edit the cell: the cursor to the end of a line
    terminal.keys("Enter", pause=0.05)
    terminal.tmux("send-keys", "-t", "tutor", "-l", "# kept")
    time.sleep(0.05)
    sent = time.monotonic()
    os.kill(app_pid, getattr(signal, signame))
    while _alive(app_pid) and time.monotonic() - sent < 10:
        time.sleep(0.01)
    took = time.monotonic() - sent
    assert took < 2.0, f"the app took {took:.2f} s to exit"
    terminal.wait_for_text("SHELL-IS-BACK", timeout=5)
    assert int(status_file.read_text().strip()) == 128 + getattr(signal, signame)
    modes = terminal.tmux("display-message", "-p", "-t", "tutor", "#{alternate_on} #{mouse_any_flag}").split()
    assert modes == ["0", "0"], f"alternate screen / mouse mode left on: {modes}"
    assert any("# kept" in text for text in saved_cells(data).values()), saved_cells(data)
    assert_no_kernel_left(app_pid, before, seen)


def test_when_the_terminal_itself_goes_away_the_edit_is_saved_and_nothing_is_left(terminal, tmp_path):
    """The terminal closes under the app (tmux killed, as a dropped link or a closed window does):
    the app gets SIGHUP and can no longer write to the terminal, which must not keep it alive."""
    lesson = builtin_lessons("en")[0]
    target = first_cell_step(lesson)
    data = tmp_path / "data"
    before = kernels()
    terminal.start(tutor_argv(data), {"TERM": "xterm-256color", "LANG": "C.UTF-8"}, ENV_UNSET)
    open_step(terminal, lesson, target)
    app_pid = _app_under(terminal.pane_pid())
    terminal.wait_for(lambda s: bool(our_kernels(app_pid)), "the kernel to start", timeout=30)
    seen = our_kernels(app_pid)
    terminal.keys("Enter", "End", pause=0.3)
    terminal.keys("Enter", pause=0.05)
    terminal.tmux("send-keys", "-t", "tutor", "-l", "# kept")
    time.sleep(0.05)
    sent = time.monotonic()
    terminal.tmux("kill-server")
    while _alive(app_pid) and time.monotonic() - sent < 10:
        time.sleep(0.01)
    took = time.monotonic() - sent
    assert took < 2.0, f"the app was still running {took:.2f} s after its terminal went away"
    assert any("# kept" in text for text in saved_cells(data).values()), saved_cells(data)
    assert_no_kernel_left(app_pid, before, seen)


def _app_under(shell: int) -> int:
    """The app's python process somewhere under the pane's shell (sh -c may run it as a child)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        todo = [shell]
        while todo:
            pid = todo.pop()
            argv = _cmdline(pid)
            if "-m" in argv and "tutor" in argv and "tutor.kernel.server" not in argv:
                return pid
            todo.extend(children(pid))
        time.sleep(0.05)
    raise AssertionError("the app's process was not found under the pane's shell")


def test_keys_reach_only_the_block_the_learner_entered(terminal, tmp_path):
    """Jupyter's model in a real terminal: enter edits, esc leaves, then letters and tab type nothing."""
    lesson = builtin_lessons("en")[0]
    target = first_cell_step(lesson)
    data = tmp_path / "data"
    terminal.start(tutor_argv(data), {"TERM": "xterm-256color", "LANG": "C.UTF-8"}, ENV_UNSET)
    open_step(terminal, lesson, target)
    terminal.keys("Enter", "End")
    terminal.tmux("send-keys", "-t", "tutor", "-l", "  # mine")
    time.sleep(0.5)
    terminal.keys("Escape", "z", "Tab", "z", "Tab", "Tab", "z", pause=0.5)
    terminal.wait_for_text("# mine")
    terminal.keys("C-q", pause=0)
    assert terminal.exit_status() == 0
    cells = saved_cells(data)
    assert len(cells) == 1, cells  # the one cell entered, no other
    lines = lesson_cell_source(lesson, target).split("\n")
    lines[0] += "  # mine"  # exactly what was typed in edit mode: no z, no tab indent
    assert next(iter(cells.values())).rstrip("\n") == "\n".join(lines).rstrip("\n")


def lesson_cell_source(lesson: Lesson, index: int) -> str:
    block = first_runnable(lesson.steps[index])
    assert isinstance(block, Code)
    return block.source
