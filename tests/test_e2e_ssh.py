"""A class over real SSH: docs/classroom.md's recipe run as written against sshd on 127.0.0.1,
learners logging in with `ssh -tt` through real PTYs.

Needs root and OpenSSH (`.ci/run` installs openssh-server, openssh-client and python3-venv from
.ci/apt-packages). The server, its accounts (tl-*) and its files are made by the module's fixture
and removed after it; see tests/class_server.py.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from class_server import ClassServer
from pty_learner import PtyLearner

pytestmark = pytest.mark.slow

ALICE, BOB = "tl-alice", "tl-bob"
HOME_TITLE = "Linear regression from scratch"


@pytest.fixture(scope="module")
def server():
    if os.geteuid() != 0:
        pytest.fail("the SSH tests make accounts and run sshd: run them as root (CI does)")
    workdir = Path(tempfile.mkdtemp(prefix="tutor-class-"))
    os.chmod(workdir, 0o755)  # the learners' sshd reads their keys from here as root; nothing secret
    class_server = ClassServer(workdir, [ALICE, BOB])
    try:
        yield class_server.up()
    finally:
        class_server.close()


def login(server: ClassServer, name: str, *extra: str) -> PtyLearner:
    learner = PtyLearner(server.ssh(name, *extra), env={"LANG": "en_US.UTF-8"})
    learner.wait_for(HOME_TITLE, timeout=60)
    return learner


def wait_until(condition, timeout: float, what: str) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - start


def kernels(server: ClassServer, name: str) -> list[int]:
    return [pid for pid, command in server.processes(name) if "tutor.kernel.server" in command]


def test_the_recipe_gives_the_tutor_and_nothing_else(server):
    learner = login(server, ALICE)
    try:
        assert "Start with" in learner.text() or "Continue" in learner.text()
    finally:
        learner.close()
    # a command asked for by the client still gets the tutor (ForceCommand), not a shell
    asked = PtyLearner(server.ssh(ALICE) + ["id; cat /etc/passwd"])
    try:
        asked.wait_for(HOME_TITLE, timeout=60)
        assert "uid=" not in asked.text()
    finally:
        asked.close()
    # no forwarding of any kind: a stdio tunnel to sshd's own port is refused
    tunnel = subprocess.run(
        ["ssh", *server.ssh(ALICE)[2:-1], "-W", f"127.0.0.1:{server.port}", f"{ALICE}@127.0.0.1"],
        capture_output=True, text=True, timeout=30, input="",
    )
    assert tunnel.returncode != 0
    assert "forwarding failed" in tunnel.stderr  # sshd: "administratively prohibited"


def test_a_dropped_connection_mid_run_ends_app_and_kernel_and_keeps_every_answer(server):
    learner = login(server, ALICE)
    learner.press("enter")  # open the first lesson: its kernel starts now
    learner.wait_for("step 1 of", timeout=30)
    wait_until(lambda: kernels(server, ALICE), 30, "the lesson's kernel started")
    learner.wait_for("kernel: ready", timeout=120)
    learner.press("n")
    learner.wait_for("step 2 of", timeout=30)
    # the step's code cell is selected; tab selects the number quiz; enter edits it
    learner.press("tab")
    time.sleep(0.5)
    learner.press("enter")
    learner.wait_for("║ What is the standard deviation", timeout=10)  # editing it: a double border
    learner.type("0.0096")  # what the lesson's cell prints, to two digits: the noise actually drawn
    learner.wait_for("0.0096", timeout=10)
    learner.press("enter")
    learner.wait_for("✓", timeout=30)
    learner.press("esc")
    time.sleep(0.3)
    learner.press("n")
    learner.wait_for("step 3 of", timeout=30)
    learner.press("r")  # the experiment starts ...
    time.sleep(0.2)
    learner.kill(signal.SIGKILL)  # ... and the learner's laptop goes away: sshd sees the link drop
    gone = wait_until(lambda: not server.processes(ALICE), 3.0, "app and kernel ended after the link dropped")
    print(f"app and kernel gone {gone:.2f} s after the client was killed")
    # nothing the session started outlives it (sshd's own per-session process included)
    wait_until(lambda: not server.all_processes(ALICE), 3.0, "every process of the account ended")

    progress = json.loads((server.data_dir(ALICE) / "progress.json").read_text())
    record = progress["lessons"]["data"]
    assert [attempt["correct"] for attempt in record["quizzes"]["data-noise-std"]] == [True]
    again = login(server, ALICE)
    try:
        # Continue: the first step not finished, step 2, whose second quiz is still unanswered
        assert "Continue: Generating the dataset, step 2" in again.text()
    finally:
        again.close()


def test_a_second_login_is_told_and_can_take_over(server):
    first = login(server, ALICE)
    try:
        second = PtyLearner(server.ssh(ALICE), env={"LANG": "en_US.UTF-8"})
        try:
            second.wait_for("Another tutor session", timeout=60)
            second.press("t")
            second.wait_for(HOME_TITLE, timeout=30)  # the first saved and closed; this one goes on
            wait_until(lambda: not first.alive(), 10, "the first session's ssh ended")
            assert len([pid for pid, command in server.processes(ALICE) if "tutor.kernel" not in command]) == 1
        finally:
            second.close()
    finally:
        first.close()


def test_a_classmate_can_neither_read_nor_change_progress(server):
    data = server.data_dir(ALICE)
    wait_until(data.exists, 5, "alice's data dir exists after her session")
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert files, "alice's session saved nothing"
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

    progress = data / "progress.json"
    before = progress.read_bytes()
    read = server.as_learner(BOB, f"cat {progress}")
    assert read.returncode != 0 and "Permission denied" in read.stderr
    listing = server.as_learner(BOB, f"ls {data}")
    assert listing.returncode != 0 and "Permission denied" in listing.stderr
    write = server.as_learner(BOB, f"echo '{{}}' > {progress}")
    assert write.returncode != 0
    assert progress.read_bytes() == before
    json.loads(before)


def test_code_in_a_classmates_kernel_cannot_reach_their_progress(server):
    learner = login(server, BOB)
    try:
        learner.press("enter")
        learner.wait_for("step 1 of", timeout=30)
        learner.wait_for("kernel: ready", timeout=120)
        learner.press("enter")  # edit the step's code cell: a line of bob's own at its end
        learner.wait_for("Leave editor", timeout=10)  # the footer of edit mode
        learner.press(*["down"] * 8, "end")  # the end of the cell's last line
        time.sleep(0.5)
        learner.type(f"\nopen('{server.data_dir(ALICE)}/progress.json').read()")
        learner.press("ctrl+r")
        learner.wait_for("PermissionError", timeout=60)
    finally:
        learner.close()


def test_the_limits_of_the_recipe_hold_for_the_kernel(server):
    learner = login(server, BOB)
    try:
        learner.press("enter")
        learner.wait_for(" of 5", timeout=30)  # a step of the lesson: wherever bob's Continue is
        wait_until(lambda: kernels(server, BOB), 30, "bob's kernel started")
        limits = Path(f"/proc/{kernels(server, BOB)[0]}/limits").read_text()
        processes = next(line for line in limits.splitlines() if line.startswith("Max processes"))
        address = next(line for line in limits.splitlines() if line.startswith("Max address space"))
        assert processes.split()[2:4] == ["256", "256"]  # PAM limits.conf, for the learners' group
        assert address.split()[3:5] == [str(2 << 30)] * 2  # --kernel-memory 2G from ForceCommand
    finally:
        learner.close()
