"""Plain mode in a real terminal (tmux): colour only without NO_COLOR, and ctrl+c as in any
terminal program: it stops the running code and the session goes on; at a prompt it ends the
session with progress saved."""

from __future__ import annotations

import shlex

import pytest

from tests.test_e2e_tmux import ENV_UNSET, Terminal, pytestmark, tutor_argv  # noqa: F401  (skip without tmux)


@pytest.fixture
def terminal(tmp_path):
    term = Terminal(tmp_path)
    try:
        yield term
    finally:
        term.close()


def start(term: Terminal, argv: list[str], env: dict[str, str], unset: tuple[str, ...]) -> None:
    """As Terminal.start, but the shell that records the exit status survives ctrl+c: in a cooked
    terminal SIGINT reaches the whole foreground group, and a shell would die with it (a trap that
    runs a command is reset in the child, so the tutor gets SIGINT as usual)."""
    inner = ["env", *(f"-u{name}" for name in unset), *(f"{k}={v}" for k, v in env.items()), *argv]
    script = (f"trap true INT; cd {shlex.quote(str(term.workdir))} && {shlex.join(inner)}; "
              f"echo $? > {shlex.quote(str(term.rc_file))}")
    term.tmux("new-session", "-d", "-s", "tutor", "-x", "80", "-y", "24", "sh", "-c", script)
    term.started = True
    term.socket_path = term.tmux("display-message", "-p", "#{socket_path}").strip()

LOOPING_LESSON = """\
---
id: forever
title: A cell that never ends
lang: en
---
## Forever

This cell runs until it is stopped.

```python run
import time
print("looping", flush=True)
while True:
    time.sleep(0.05)
```
"""


def test_colour_on_a_terminal_and_none_with_no_color(terminal: Terminal, tmp_path):
    start(terminal, tutor_argv(tmp_path / "a", "plain", "data"), {"TERM": "xterm-256color"}, ENV_UNSET)
    terminal.wait_for_text("[enter] run this code")
    assert "\x1b[1m" in terminal.screen_with_attributes()  # the step's heading is bold
    terminal.keys("C-c")
    assert terminal.exit_status() == 0

    plain_terminal = Terminal(tmp_path)
    try:
        plain_terminal.rc_file = tmp_path / "exit-status-2"
        start(plain_terminal, tutor_argv(tmp_path / "b", "plain", "data"),
              {"TERM": "xterm-256color", "NO_COLOR": "1"}, ENV_UNSET[:-1])
        screen = plain_terminal.wait_for_text("[enter] run this code")
        assert "features[0], labels[0]" in screen
        assert "\x1b[" not in plain_terminal.screen_with_attributes()
    finally:
        plain_terminal.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ctrl_c_stops_a_running_cell_and_at_a_prompt_ends_the_session(terminal: Terminal, tmp_path, lang):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-forever.md").write_text(LOOPING_LESSON, encoding="utf-8")
    argv = tutor_argv(tmp_path / "data", "--lang", lang, "--lessons", str(lessons), "plain", "forever")
    start(terminal, argv, {"TERM": "xterm-256color"}, ENV_UNSET)
    terminal.wait_for(lambda s: "while True" in s and s.rstrip().endswith(">"), "the cell's prompt", timeout=30)
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "\nlooping" in s, "the cell running", timeout=60)
    terminal.keys("C-c")
    terminal.wait_for_text("KeyboardInterrupt", timeout=30)
    terminal.wait_for(lambda s: s.rstrip().endswith(">"), "a new prompt: the session goes on", timeout=10)
    terminal.keys("C-c")
    assert terminal.exit_status() == 0


LONG_EXPERIMENT = """\
---
id: long-run
title: A long run
lang: en
---
## Long

Fifty thousand steps of batch size 1: long on any machine (the test stops it at its first
progress line, which comes 5 s after the run starts).

```experiment
run: train
params: {lr: 0.03, batch_size: 1, num_epochs: 50}
```
"""


def test_a_long_experiment_says_how_it_goes_and_ctrl_c_keeps_what_it_ran(terminal: Terminal, tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-long.md").write_text(LONG_EXPERIMENT, encoding="utf-8")
    argv = tutor_argv(tmp_path / "data", "--lessons", str(lessons), "plain", "long-run", "--no-plot")
    start(terminal, argv, {"TERM": "xterm-256color"}, ENV_UNSET)
    terminal.wait_for(lambda s: "[enter] run" in s and s.rstrip().endswith(">"), "the experiment's prompt", 30)
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "… step " in s and ": loss " in s, "a progress line", timeout=90)
    terminal.keys("C-c")
    screen = terminal.wait_for_text("Stopped before the end.", timeout=30)
    assert "final_loss" in screen  # the facts of what ran
    terminal.wait_for(lambda s: s.rstrip().endswith(">"), "the prompt again", timeout=10)
    terminal.keys("C-c")
    assert terminal.exit_status() == 0
