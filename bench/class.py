"""A class on one small server: N learners (default 30) through real PTYs, measured in one run.

    .venv/bin/python bench/class.py                 # both shapes, 30 learners, local PTYs
    .venv/bin/python bench/class.py --shape burst -n 10
    sudo .venv/bin/python bench/class.py --ssh      # over sshd on 127.0.0.1 (docs/classroom.md's recipe)

Two shapes: a burst (all start at the same moment) and a class arriving at random over 60 s.
Each learner waits for the home screen, opens lesson 07 (its kernel starts then), waits for the
kernel, then — once the whole class is there — every learner runs the lesson's experiment at the
same time, and key-press latency is measured while they train (the help screen opened with `?`
and closed again, timed from the key to the first byte and to the help text on screen).

It prints, per shape: time to every first screen (p50, p95, max), time from opening a lesson
until its kernel is ready, key latency p50/p95 while all N train, whether every experiment
finished, and memory (RSS and PSS of all app and kernel processes) while training and after the
idle kernels were stopped (TUTOR_KERNEL_IDLE is set short here so that happens within the run).
The burst is compared with its CPU bound, measured in the same run: N x the CPU time a bare
Textual app takes to its first screen / the cores. No design can show N first screens sooner.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from procs import descendants  # noqa: E402
from pty_learner import PtyLearner  # noqa: E402

HOME_TITLE = "Linear regression from scratch"
LESSON_INDEX = 7  # 07-training: the home list's 7th lesson (down x7 from "Start with")
EXPERIMENT_STEP = 1  # its experiment is on the second step
IDLE_TIMEOUT = 90  # seconds, for the run (a class server keeps 600): longer than the class takes to arrive
BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("bare app ready")
    def on_mount(self):
        self.call_after_refresh(lambda: self.set_timer(0.05, self.exit))
Bare().run()
"""


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bare_app_cpu(runs: int = 3) -> float:
    """CPU seconds (user + sys) a bare Textual app takes to its first screen and exit, median."""
    samples = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        learner = PtyLearner([sys.executable, "-c", BARE_APP])
        learner.wait_for("bare app ready", timeout=60)
        learner.process.wait()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(samples)


def memory(pids: set[int]) -> tuple[float, float]:
    """(RSS, PSS) in MB of these processes and all below them."""
    rss = pss = 0.0
    for pid in pids | descendants(*pids):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
        except OSError:
            continue
    return rss, pss


class Learner:
    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.argv, self.env = argv, env
        self.first_screen = self.kernel_ready = float("nan")
        self.latencies: list[float] = []
        self.finished = False
        self.error = ""
        self.pty: PtyLearner | None = None

    def start(self) -> None:
        self.pty = PtyLearner(self.argv, env=self.env)
        self.pty.wait_for(HOME_TITLE, timeout=300)
        self.first_screen = time.monotonic() - self.pty.started

    def open_lesson(self) -> None:
        assert self.pty is not None
        self.pty.press(*["down"] * LESSON_INDEX, "enter")
        opened = time.monotonic()
        self.pty.wait_for("step 1 of", timeout=60)
        self.pty.wait_for("kernel: ready", timeout=600)
        self.kernel_ready = time.monotonic() - opened
        for _ in range(EXPERIMENT_STEP):
            self.pty.press("n")
        self.pty.wait_for(f"step {EXPERIMENT_STEP + 1} of", timeout=60)

    def train_and_measure(self, keys: int) -> None:
        assert self.pty is not None
        self.pty.watch_screen = False  # from here on, only search the output: see PtyLearner
        since = self.pty.reads
        self.pty.press("r")
        time.sleep(random.uniform(0.3, 1.0))
        for _ in range(keys):
            mark = self.pty.reads
            sent = time.monotonic()
            self.pty.press("?")
            self.pty.output_after("Keys", mark, timeout=60)  # the help screen's title
            self.latencies.append(time.monotonic() - sent)
            mark = self.pty.reads
            self.pty.press("esc")
            self.pty.output_after(f"step {EXPERIMENT_STEP + 1} of", mark, timeout=60)
            time.sleep(random.uniform(0.2, 0.6))
        self.pty.output_after("done in", since, timeout=900)
        self.finished = True


def run_shape(shape: str, n: int, window: float, make_argv, env: dict[str, str], keys: int) -> dict:
    learners = [Learner(make_argv(i), env) for i in range(n)]
    offsets = [0.0] * n if shape == "burst" else sorted(random.uniform(0, window) for _ in range(n))
    everyone_in = threading.Barrier(n + 1)
    start = time.monotonic()

    def life(learner: Learner, offset: float) -> None:
        try:
            time.sleep(max(0.0, start + offset - time.monotonic()))
            learner.start()
            learner.open_lesson()
        except Exception as error:  # reported, never hidden
            learner.error = f"{type(error).__name__}: {str(error).splitlines()[0]}"
        finally:
            try:
                everyone_in.wait(timeout=1200)
            except threading.BrokenBarrierError:
                pass
        if not learner.error:
            try:
                learner.train_and_measure(keys)
            except Exception as error:
                learner.error = f"{type(error).__name__}: {str(error).splitlines()[0]}"

    threads = [threading.Thread(target=life, args=(l, o), daemon=True) for l, o in zip(learners, offsets)]
    for thread in threads:
        thread.start()
    everyone_in.wait(timeout=1200)
    last_screen = max(l.first_screen for l in learners if l.first_screen == l.first_screen) if learners else 0
    time.sleep(3)
    training = memory({l.pty.pid for l in learners if l.pty})
    for thread in threads:
        thread.join(timeout=1200)
    time.sleep(IDLE_TIMEOUT + 10)  # the kernels are idle now: they are stopped
    reaped = memory({l.pty.pid for l in learners if l.pty})
    for learner in learners:
        if learner.pty:
            learner.pty.close()
    return {
        "learners": learners, "last_screen": last_screen, "training": training, "reaped": reaped,
        "burst_span": last_screen,
    }


def report(shape: str, result: dict, n: int, cpu_bound: float | None) -> None:
    learners = result["learners"]
    first = [l.first_screen for l in learners if l.first_screen == l.first_screen]
    ready = [l.kernel_ready for l in learners if l.kernel_ready == l.kernel_ready]
    keys = [t for l in learners for t in l.latencies]
    failed = [l.error for l in learners if l.error]
    print(f"\n== {shape}: {n} learners")
    print(f"first screen      p50 {pct(first, .5):6.2f} s  p95 {pct(first, .95):6.2f} s  max {max(first, default=float('nan')):6.2f} s")
    if cpu_bound is not None:
        print(f"CPU bound         {cpu_bound:6.2f} s  (N x bare app CPU / cores); last screen / bound = "
              f"{max(first, default=float('nan')) / cpu_bound:.2f}")
    print(f"kernel ready      p50 {pct(ready, .5):6.2f} s  p95 {pct(ready, .95):6.2f} s  (after opening a lesson)")
    print(f"key latency       p50 {pct(keys, .5) * 1000:6.0f} ms p95 {pct(keys, .95) * 1000:6.0f} ms  "
          f"({len(keys)} presses while {n} train)")
    print(f"experiments       {sum(l.finished for l in learners)}/{n} finished")
    rss, pss = result["training"]
    print(f"memory, training  RSS {rss:7.0f} MB  PSS {pss:7.0f} MB  ({pss / n:.0f} MB PSS per learner)")
    rss, pss = result["reaped"]
    print(f"memory, reaped    RSS {rss:7.0f} MB  PSS {pss:7.0f} MB  ({pss / n:.0f} MB PSS per learner)")
    for error in failed:
        print(f"  failed: {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--learners", type=int, default=30)
    parser.add_argument("--shape", choices=["burst", "arrival", "both"], default="both")
    parser.add_argument("--window", type=float, default=60.0, help="arrival window in seconds")
    parser.add_argument("--keys", type=int, default=4, help="key presses timed per learner while training")
    parser.add_argument("--ssh", action="store_true", help="log in over sshd on 127.0.0.1 (needs root)")
    args = parser.parse_args()

    cores = os.cpu_count() or 1
    # This process stands in for 30 terminals, which in a class run on the learners' own machines:
    # ahead of the server's processes, so that what is measured is the server, not the observer.
    try:
        os.nice(-10)
    except OSError:
        pass
    env = {"LANG": "en_US.UTF-8", "TUTOR_KERNEL_IDLE": str(IDLE_TIMEOUT), "TUTOR_NO_BLINK": "1"}
    bare = bare_app_cpu()
    print(f"bare Textual app: {bare:.3f} CPU-s to its first screen; {cores} cores")
    server = None
    work = Path(tempfile.mkdtemp(prefix="tutor-class-bench-"))
    if args.ssh:
        from class_server import ClassServer

        os.chmod(work, 0o755)
        names = [f"tl-b{i:02d}" for i in range(args.learners)]
        (work / "server").mkdir()
        server = ClassServer(work / "server", names)
        server.up()
        # sshd accepts these (tests/class_server.py); a class server keeps its defaults
        passed = [f"-oSetEnv={name}={value}" for name, value in env.items() if name.startswith("TUTOR_")]

        def make_argv(i: int) -> list[str]:
            return server.ssh(names[i], *passed)
    else:
        def make_argv(i: int) -> list[str]:
            return [sys.executable, "-m", "tutor", "--data-dir", str(work / f"learner{i:02d}")]

    try:
        shapes = ["burst", "arrival"] if args.shape == "both" else [args.shape]
        for shape in shapes:
            result = run_shape(shape, args.learners, args.window, make_argv, env, args.keys)
            bound = args.learners * bare / cores if shape == "burst" else None
            report(shape, result, args.learners, bound)
    finally:
        if server is not None:
            server.close()
        subprocess.run(["rm", "-rf", str(work)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
