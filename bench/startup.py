"""Startup: the first screen of `python -m tutor` against a bare Textual app, in tmux at 100x30.

Both programs run in the same tmux server (a private socket, no config file), one at a time,
interleaved (bare, tutor, tutor, bare, ...), so a neighbour's load hits both alike. The time of a
run is from just before `tmux new-session` spawns the program until `capture-pane` shows the
expected text of its first screen, polled every ~10 ms; the tmux round trips cost both the same.
The bare app is Header + Markdown + Footer with a text of the home screen's size.

When the first screen appears, the CPU time the process has used so far is read from /proc
(load on a shared machine moves wall time far more than CPU time). After a settle of 1 s the
process's resident memory is read, then the app is quit with ctrl+q and the next run waits until
it has gone — for the tutor, its kernel too, so torch loading next door never overlaps a
measured run.

    .venv/bin/python bench/startup.py            # --runs N (default 10), --size 100x30
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BARE_APP = '''
from textual.app import App
from textual.widgets import Footer, Header, Markdown

TEXT = """\\
# Linear regression from scratch

Course: built-in

- Generating the dataset
- Reading the dataset in minibatches
- Initializing model parameters
- Defining the model
- Defining the loss function
- Defining the optimization algorithm
- Training
- Judging the result

Bare app ready.
"""


class Bare(App):
    TITLE = "bare textual"

    def compose(self):
        yield Header()
        yield Markdown(TEXT)
        yield Footer()


Bare().run()
'''


class Tmux:
    def __init__(self) -> None:
        self.socket = f"tutor-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "TMUX", "TMUX_PANE")}
        self.env["LC_CTYPE"] = "C.UTF-8"

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True,
                                text=True, encoding="utf-8", errors="replace", env=self.env)
        if check and result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def app_process(pane: int) -> int:
    """`env` execs the program, so the pane's process is the app itself (unless the shell forked)."""
    try:
        if b"python" in Path(f"/proc/{pane}/cmdline").read_bytes():
            return pane
    except OSError:
        return pane
    return next(iter(children(pane)), pane)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of the process so far (less sensitive to neighbours than wall time)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kernels_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"tutor.kernel.server" in argv and b"--parent" in argv:
                i = argv.index(b"--parent")
                if i + 1 < len(argv) and argv[i + 1] == str(pid).encode():
                    found.append(int(entry.name))
    return found


def measure(tmux: Tmux, name: str, argv: list[str], expected: list[str], size: tuple[int, int],
            env: dict[str, str], timeout: float = 30.0) -> tuple[float, float | None, float | None]:
    """Seconds from spawn to the expected text on screen, the CPU seconds the app had used by
    then, and its RSS (MiB) 1 s later."""
    session = f"{name}-{uuid.uuid4().hex[:6]}"
    command = shlex.join(["env", *(f"{k}={v}" for k, v in env.items()), *argv])
    start = time.perf_counter()
    spawned = tmux("new-session", "-d", "-P", "-F", "#{pane_pid}", "-s", session,
                   "-x", str(size[0]), "-y", str(size[1]), command)
    pane = int(spawned.stdout.strip())
    elapsed = cpu = None
    deadline = start + timeout
    screen = ""
    while time.perf_counter() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session, check=False).stdout
        if all(text in screen for text in expected):
            elapsed = time.perf_counter() - start
            cpu = cpu_seconds(app_process(pane))
            break
        time.sleep(0.01)
    if elapsed is None:
        tmux("kill-session", "-t", session, check=False)
        raise RuntimeError(f"{name}: the first screen did not appear in {timeout} s:\n{screen}")
    app_pid = app_process(pane)
    time.sleep(1.0)
    rss = rss_mib(app_pid)
    kernels = set(kernels_of(app_pid))
    tmux("send-keys", "-t", session, "C-q")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        kernels |= set(kernels_of(app_pid))
        gone = tmux("has-session", "-t", session, check=False).returncode != 0
        if gone and not any(Path(f"/proc/{k}").exists() for k in kernels):
            break
        time.sleep(0.05)
    else:
        tmux("kill-session", "-t", session, check=False)
    time.sleep(0.3)  # let the machine settle before the next run
    return elapsed, cpu, rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--size", default="100x30")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every run")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    from tutor.content.discover import discover
    from tutor.i18n import t

    first = discover([], None)[0].in_language("en")[0]
    with tempfile.TemporaryDirectory() as tmp:
        bare_script = Path(tmp) / "bare_app.py"
        bare_script.write_text(BARE_APP)
        data_dir = Path(tmp) / "data"
        env = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1"}
        programs = {
            "bare": ([sys.executable, str(bare_script)], ["bare textual", "Bare app ready."]),
            "tutor": ([sys.executable, "-m", "tutor", "--data-dir", str(data_dir), "--lang", "en"],
                      [t("app.title", "en"), first.title, t("key.quit", "en")]),
        }
        tmux = Tmux()
        tmux("new-session", "-d", "-s", "keepalive", "-x", "20", "-y", "5", "sleep 100000")
        socket_path = tmux("display-message", "-p", "#{socket_path}").stdout.strip()
        times: dict[str, list[float]] = {"bare": [], "tutor": []}
        rss: dict[str, list[float]] = {"bare": [], "tutor": []}
        cpu: dict[str, list[float]] = {"bare": [], "tutor": []}
        try:
            for name in ("bare", "tutor"):  # warm the page cache; not counted
                measure(tmux, name, *programs[name], (width, height), env)
            for run in range(args.runs):
                order = ("bare", "tutor") if run % 2 == 0 else ("tutor", "bare")
                for name in order:
                    elapsed, seconds, mib = measure(tmux, name, *programs[name], (width, height), env)
                    times[name].append(elapsed)
                    if seconds is not None:
                        cpu[name].append(seconds)
                    if mib is not None:
                        rss[name].append(mib)
                    if args.verbose:
                        print(f"run {run + 1:2d} {name:5s} {elapsed * 1000:7.1f} ms  cpu {(seconds or 0) * 1000:5.0f} ms"
                              f"  rss {mib or 0:6.1f} MiB",
                              flush=True)
        finally:
            tmux("kill-server", check=False)
            if socket_path:
                Path(socket_path).unlink(missing_ok=True)

    import textual

    bare, tutor = statistics.median(times["bare"]), statistics.median(times["tutor"])
    print(f"Python {sys.version.split()[0]}, textual {textual.__version__}, tmux {width}x{height}, "
          f"{args.runs} interleaved runs each, polled every 10 ms")
    for name, median in (("bare app", bare), ("tutor", tutor)):
        key = name.split()[0]
        print(f"{name:9s}: first screen median {median * 1000:6.0f} ms  "
              f"(min {min(times[key]) * 1000:.0f}, max {max(times[key]) * 1000:.0f})"
              + (f"  RSS median {statistics.median(rss[key]):.0f} MiB" if rss[key] else ""))
    ratio = tutor / bare
    print(f"ratio tutor/bare (medians): {ratio:.2f}  (target at most 1.2: {'met' if ratio <= 1.2 else 'NOT met'})")
    print(f"ratio tutor/bare (best times): {min(times['tutor']) / min(times['bare']):.2f}")
    # each tutor run against the bare run next to it: less sensitive to load that drifts
    pairs = sorted(a / b for a, b in zip(times["tutor"], times["bare"]))
    print(f"per interleaved pair: median {statistics.median(pairs):.2f}, range {pairs[0]:.2f}..{pairs[-1]:.2f}")
    if cpu["bare"] and cpu["tutor"]:
        b, u = statistics.median(cpu["bare"]), statistics.median(cpu["tutor"])
        print(f"CPU time until the first screen (medians): bare {b * 1000:.0f} ms, tutor {u * 1000:.0f} ms, "
              f"ratio {u / b:.2f}")
    if rss["bare"] and rss["tutor"]:
        print(f"RSS ratio tutor/bare: {statistics.median(rss['tutor']) / statistics.median(rss['bare']):.2f} "
              f"(the app's own process; torch loads in the kernel beside it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
