"""A class server on 127.0.0.1, built by running docs/classroom.md's recipe as written.

Used by tests/test_e2e_ssh.py and bench/class.py. It needs root (it creates accounts and runs
sshd), OpenSSH (`.ci/apt-packages` installs it) and the system's python3 with venv. Everything it
makes is named `tl-*` (accounts) or lives under its own temporary folder and is removed by
`close()`; the one shared thing it writes outside that folder is the class prefix
(`TUTOR_PREFIX`, default /opt/tutor-test), reused between runs because building it takes a
minute, and the PAM limits file of the recipe, scoped to the learners' group and removed again.

Each shell block of the recipe (`<!-- recipe: NAME -->` followed by a ```sh block) is run with
bash, its `${VAR:-default}` variables pointed at this server's folders.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "docs" / "classroom.md"
DEFAULT_PREFIX = Path(os.environ.get("TUTOR_TEST_PREFIX", "/opt/tutor-test"))
GROUP = "tutor-learners"
SSH_OPTIONS = [
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "BatchMode=yes",
    "-o", "LogLevel=ERROR",
    "-o", "ServerAliveInterval=1",
    "-o", "ServerAliveCountMax=2",
]


def recipe_blocks(path: Path = RECIPE) -> dict[str, str]:
    """{name: shell text} of every `<!-- recipe: name -->` block in the doc."""
    found = re.findall(r"<!-- recipe: ([\w-]+) -->\s*```sh\n(.*?)```", path.read_text(), flags=re.S)
    return {name: body for name, body in found}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], env={**os.environ, **env}, cwd=cwd,
        capture_output=True, text=True, timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(f"recipe step failed ({result.returncode}):\n{script}\n{result.stdout}\n{result.stderr}")
    return result


def home(name: str) -> Path:
    return Path("/home") / name


def remove_account(name: str) -> None:
    subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
    subprocess.run(["userdel", "--remove", "--force", name], capture_output=True)


class ClassServer:
    """sshd on a free port of 127.0.0.1 with the recipe's drop-in, and learner accounts."""

    def __init__(self, workdir: Path, learners: list[str], prefix: Path = DEFAULT_PREFIX) -> None:
        self.workdir = workdir
        self.learners = learners
        self.prefix = prefix
        self.port = free_port()
        self.keys = workdir / "keys"
        self.config_dir = workdir / "sshd_config.d"
        self.config = workdir / "sshd_config"
        self.limits_file = Path("/etc/security/limits.d/tutor.conf")
        self.blocks = recipe_blocks()
        self.sshd: subprocess.Popen | None = None

    # -- the recipe, step by step -----------------------------------------------------------

    def env(self) -> dict[str, str]:
        return {
            "TUTOR_PREFIX": str(self.prefix),
            "TUTOR_SRC": str(ROOT),
            "LEARNERS": " ".join(self.learners),
            "KEYS": str(self.keys),
            "SSHD_CONFIG_DIR": str(self.config_dir),
            "SSHD_CONFIG": str(self.config),
            "SYSTEMD_DIR": str(self.workdir / "systemd"),
            "DEBIAN_FRONTEND": "noninteractive",
        }

    def install(self) -> None:
        python = self.prefix / "bin" / "python"
        if python.exists():  # reused: make sure the tutor in it is this checkout's
            subprocess.run([str(python), "-m", "pip", "uninstall", "-y", "-q", "tutor"], capture_output=True)
        _run(self.blocks["install"], self.env(), self.workdir)

    def make_accounts(self) -> None:
        self.keys.mkdir(parents=True, exist_ok=True)
        for name in self.learners:
            remove_account(name)  # left over from an interrupted run
            key = self.keys / name
            if not key.exists():
                subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        _run(self.blocks["accounts"], self.env(), self.workdir)

    def configure_sshd(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        host_key = self.workdir / "host_ed25519"
        if not host_key.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True)
        # the server's own settings first; the recipe's drop-in (global lines, then its Match
        # block) last, as Debian's sshd_config includes sshd_config.d
        self.config.write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
            f"PidFile {self.workdir / 'sshd.pid'}\nUsePAM yes\nPasswordAuthentication no\n"
            # the benchmark shortens the kernel's idle timeout for its run (bench/class.py)
            "KbdInteractiveAuthentication no\nAcceptEnv LANG LC_* TUTOR_KERNEL_IDLE TUTOR_NO_BLINK\n"
            f"Include {self.config_dir}/*.conf\n"
        )
        Path("/run/sshd").mkdir(exist_ok=True)
        _run(self.blocks["sshd"], self.env(), self.workdir)
        _run(self.blocks["limits-pam"], self.env(), self.workdir)
        _run(self.blocks["limits-systemd"], self.env(), self.workdir)

    def start(self) -> None:
        log = open(self.workdir / "sshd.log", "w")
        self.sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(self.config)], stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"sshd did not listen on {self.port}: {(self.workdir / 'sshd.log').read_text()}")

    def up(self) -> ClassServer:
        self.install()
        self.make_accounts()
        self.configure_sshd()
        self.start()
        return self

    # -- use -------------------------------------------------------------------------------

    def ssh(self, name: str, *extra: str) -> list[str]:
        """The command a learner types (with -tt: a PTY even when ssh's stdin is not one)."""
        return ["ssh", "-tt", *SSH_OPTIONS, "-i", str(self.keys / name), "-p", str(self.port),
                *extra, f"{name}@127.0.0.1"]

    def data_dir(self, name: str) -> Path:
        return home(name) / ".local" / "share" / "tutor"

    def processes(self, name: str) -> list[tuple[int, str]]:
        """(pid, command line) of the account's tutor processes (app and kernel)."""
        out = subprocess.run(["pgrep", "-a", "-u", name, "-f", "tutor"], capture_output=True, text=True).stdout
        found = []
        for line in out.splitlines():
            pid, _, command = line.partition(" ")
            found.append((int(pid), command))
        return found

    def all_processes(self, name: str) -> list[int]:
        out = subprocess.run(["pgrep", "-u", name], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def as_learner(self, name: str, command: str) -> subprocess.CompletedProcess:
        """A shell command run as that learner (su), as a classmate with a shell would."""
        return subprocess.run(["su", name, "-s", "/bin/sh", "-c", command], capture_output=True, text=True, timeout=60)

    def close(self) -> None:
        if self.sshd is not None:
            self.sshd.terminate()
            try:
                self.sshd.wait(5)
            except subprocess.TimeoutExpired:
                self.sshd.kill()
        for name in self.learners:
            remove_account(name)
        if self.limits_file.exists():
            self.limits_file.unlink()
        shutil.rmtree(self.workdir, ignore_errors=True)
