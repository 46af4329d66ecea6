"""The kernel: the learner's Python process, beside the app (as IDLE, Thonny and Jupyter have one).

``python -P -m tutor.kernel.server --requests FD --events FD [--memory-bytes N] [--threads N]``
is started by ``tutor.kernel.client``; nobody else needs to run it.

Transport, and why. Requests arrive as JSON lines on a pipe ``--requests`` and events leave as JSON
lines on a pipe ``--events``; both are plain pipe fds handed over with ``pass_fds``. The learner's
fd 1 and 2 are two *other* pipes that the client reads and turns into Stream events. Protocol traffic
therefore never shares a file descriptor with anything learner code can reach by accident:
``print``, a replaced ``sys.stdout``, ``os.write(1, ...)``, C code calling ``printf`` or writing to
fd 2, and subprocesses that inherit fd 1/2 all land in the output pipes, never in the event stream.
(multiprocessing's Connection would also work, but it is a pickle channel tied to the parent's
interpreter; newline-delimited JSON over a pipe is readable in a debugger and has no pickle in the
app.) Order between the two channels is kept by the server flushing Python's and C's stdout buffers
before it writes any event other than Points; the client, on receiving such an event, first reads
whatever is still waiting in the output pipes (FIONREAD), so a cell's output always precedes its
Result, Error and Done.

Interrupts are SIGINT. What SIGINT does depends on what is running: in a cell or a check it raises
KeyboardInterrupt at the next bytecode; in an experiment it makes ``should_stop()`` true, and if
the experiment has not returned STOP_GRACE seconds later (learner code looping without consulting
it) SIGALRM raises KeyboardInterrupt; between requests it is ignored. No exception is ever raised in
the middle of writing an event, so a line on the event pipe is always whole. A check runs under
``setitimer``: a learner's endless loop becomes a failed check, and the kernel stays warm.

Processes the learner's code starts end with the kernel, whatever ends it. The kernel is the leader
of its own session and process group (the client starts it so), and everything it forks or spawns
is in that group unless it deliberately leaves it (setsid). The group is killed as one:
- by the client, when it restarts or kills the kernel (SIGKILL to the group, not to the pid);
- by a sentinel, a tiny process forked before torch is imported and reparented away from the
  kernel, which blocks in poll() on two things only: the read end of a pipe whose write end only
  the kernel holds (EOF: the kernel is gone, however it ended: Shutdown, os._exit, a segfault, an
  outside SIGKILL), and the kernel's event pipe (POLLERR: the app is gone, even by SIGKILL). Then it
  SIGKILLs the group, itself included. It costs about 11 MB resident (8 MB proportional), and
  only while a kernel runs.
Why a sentinel and not the alternatives: PR_SET_PDEATHSIG is per process and is lost across the
learner's own forks, vfork/posix_spawn (subprocess) and grandchildren, so it cannot cover what
learner code starts; PR_SET_CHILD_SUBREAPER only keeps orphans findable while the kernel lives, and
the endings that matter (SIGKILL, a segfault, a restart) leave no kernel to do the finding. A thread
in the kernel (as before) needs the GIL, which a long C call can hold; the sentinel needs nothing
from the kernel. A process that setsid()s out of the group is out of reach of all three; on a class
server a systemd slice's TasksMax or logind's KillUserProcesses is the backstop (docs/classroom.md).

Only the kernel answers. After ``os.fork()`` in a cell, the copy would read the app's requests and
answer them too; a hook registered with os.register_at_fork turns the protocol pipes into /dev/null
in every forked child, and a copy that finishes the cell exits instead of serving. Every event also
carries the id of its request and a secret token from the client (protocol.Envelope), so a line the
learner's code writes to the event pipe is not taken for the kernel's.

Limits are set here before torch is imported: RLIMIT_AS (a memory bomb becomes MemoryError in the
cell, or at worst the death of this process, never a frozen machine) and the thread count.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import ctypes
import importlib
import importlib.util
import io
import linecache
import math
import os
import random
import resource
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict
from functools import partial
from types import ModuleType
from typing import Any

from tutor.kernel import experiment_runs as runs
from tutor.kernel import protocol as P

PR_SET_NAME = 15  # linux/prctl.h
POINTS_INTERVAL = 0.1  # seconds between two Points events: about ten a second at most
STOP_GRACE = 0.5  # seconds an experiment has to honour should_stop() before it is interrupted
RESULT_LIMIT = 20_000  # characters of a cell's value shown; torch already summarises big tensors
LEARNER_FILE = "your_code.py"  # the name the learner's exercise code has in tracebacks and checks

# Extra experiments added to the registry, used only by the kernel's tests (experiments that run for
# a set time, or never consult should_stop): "module:attr" or "path/to/file.py:attr".
EXPERIMENTS_ENV = "TUTOR_KERNEL_EXPERIMENTS"


class CheckTimeout(BaseException):
    """Raised by SIGALRM inside a check that ran out of time (a BaseException, so that a learner's
    ``except Exception`` cannot swallow it)."""


class Signals:
    """Turns SIGINT and SIGALRM into what the running request needs (see the module docstring)."""

    def __init__(self) -> None:
        self.mode = "idle"  # "raise": cell or check; "stop": experiment; "idle": between requests
        self.stop_requested = False  # an experiment's should_stop()
        self.interrupted = False  # SIGINT arrived during this request
        self.alarm_fired = False
        self._alarm: type[BaseException] | None = None
        self._sending = False
        self._pending: type[BaseException] | None = None

    def install(self) -> None:
        signal.signal(signal.SIGINT, self._on_sigint)
        signal.signal(signal.SIGALRM, self._on_alarm)

    def new_request(self) -> None:
        self.stop_requested = self.interrupted = self.alarm_fired = False

    def _raise(self, exc_type: type[BaseException]) -> None:
        if self._sending:
            self._pending = exc_type  # raised once the event is written whole
        else:
            raise exc_type

    def _on_sigint(self, signum: int, frame: Any) -> None:
        if self.mode == "idle":
            return
        self.interrupted = True
        if self.mode == "raise":
            # At most one KeyboardInterrupt per request: a learner who swallows it keeps running,
            # and the client restarts the kernel after its grace period.
            self.mode = "idle"
            self._raise(KeyboardInterrupt)
        elif not self.stop_requested:
            self.stop_requested = True
            self._arm(STOP_GRACE, KeyboardInterrupt)

    def _on_alarm(self, signum: int, frame: Any) -> None:
        exc_type, self._alarm = self._alarm, None
        if exc_type is not None and self.mode != "idle":
            self.mode = "idle"
            self.alarm_fired = True
            self._raise(exc_type)

    def _arm(self, seconds: float, exc_type: type[BaseException]) -> None:
        self._alarm = exc_type
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))

    @contextmanager
    def user_code(self, mode: str, timeout: float | None = None,
                  on_timeout: type[BaseException] = CheckTimeout):
        """Learner code (or code that calls it) runs inside; interrupts apply only here."""
        self.mode = mode
        if timeout is not None:
            self._arm(timeout, on_timeout)
        try:
            yield
        finally:
            self.mode = "idle"
            self._alarm = None
            signal.setitimer(signal.ITIMER_REAL, 0)

    @contextmanager
    def writing(self):
        """An event is being written: an interrupt waits until the line is whole."""
        self._sending = True
        try:
            yield
        finally:
            self._sending = False
        exc_type, self._pending = self._pending, None
        if exc_type is not None:
            raise exc_type


class PointBuffer:
    """Collects on_point() calls and sends them as one Points event at most every POINTS_INTERVAL."""

    def __init__(self, send: Callable[[Any], None]) -> None:
        self._send = send
        self._series: dict[str, list[list[Any]]] = {}
        self._last = 0.0

    def add(self, label: str, x: Any, y: Any) -> None:
        self._series.setdefault(label, []).append([_number(x), _number(y)])
        now = time.monotonic()
        if now - self._last >= POINTS_INTERVAL:
            self.flush(now)

    def add_to(self, run: runs.PlannedRun, curve: str, x: Any, y: Any) -> None:
        """A point of curve `curve` of one planned run: labelled and placed on the run's axis."""
        self.add(run.curve_label(curve), run.axis.x(x), y)

    def flush(self, now: float | None = None) -> None:
        if self._series:
            series, self._series = self._series, {}
            self._send(P.Points(series))
            self._last = time.monotonic() if now is None else now


def _number(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if not isinstance(value, (int, float)):
        value = float(value)  # a 0-d tensor or a numpy scalar
    return value if math.isfinite(value) else None


def _load_attr(spec: str, default_attr: str | None) -> Any:
    """``module:attr`` or ``file.py:attr`` (attr optional when default_attr is given)."""
    target, _, attr = spec.partition(":")
    if target.endswith(".py"):
        name = "_tutor_standin_" + os.path.basename(target)[:-3]
        module_spec = importlib.util.spec_from_file_location(name, target)
        if module_spec is None or module_spec.loader is None:
            raise ImportError(f"cannot load {target}")
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(target)
    chosen = attr or default_attr
    return getattr(module, chosen) if chosen else module


def load_core() -> tuple[dict[str, Any], str | None]:
    """The core functions and the lessons' data set, or an explanation of why they are missing."""
    import torch

    try:
        from tutor.scratch.data import data_iter, synthetic_data
        from tutor.scratch.model import linreg, sgd, squared_loss
        from tutor.scratch.train import closed_form, train
    except ImportError as exc:
        return {}, f"the scratch core could not be loaded ({exc}); cells have torch, random and math only"
    true_w = torch.tensor([2.0, -3.4])
    true_b = 4.2
    features, labels = synthetic_data(true_w, true_b, 1000, generator=torch.Generator().manual_seed(0))
    return {
        "synthetic_data": synthetic_data, "data_iter": data_iter, "linreg": linreg,
        "squared_loss": squared_loss, "sgd": sgd, "train": train, "closed_form": closed_form,
        "true_w": true_w, "true_b": true_b, "features": features, "labels": labels,
    }, None


class Kernel:
    """Runs requests one at a time and writes their events to the event pipe."""

    def __init__(self, events_fd: int, core: dict[str, Any], token: str = "") -> None:
        self.events_fd = events_fd
        self.core = core
        self.token = token  # sealed into every event: the client takes no line without it
        self.request_id = 0  # the request being answered
        self.owner = os.getpid()  # a copy made by the learner's os.fork() is not the kernel
        self.signals = Signals()
        self.namespaces: dict[str, dict[str, Any]] = {}
        self.shown_names: dict[str, str] = {}  # a learner code object's filename -> the name shown
        self.cells_run = 0
        self._extra_experiments: dict[str, Callable[..., dict]] | None = None
        self._saved_stdio = {fd: os.dup(fd) for fd in (1, 2)}  # to repair a learner's os.close(1)
        self._libc: ctypes.CDLL | None
        try:
            self._libc = ctypes.CDLL(None)
        except OSError:
            self._libc = None

    # ---------------------------------------------------------------- events

    def send(self, event: Any) -> None:
        if not isinstance(event, P.Points):
            self.flush_output()  # the cell's output reaches the client before its Result and Done
        if os.getpid() != self.owner:
            return  # a forked copy's events fd is /dev/null already (see isolate_forked_child)
        data = memoryview(P.seal(event, self.request_id, self.token))
        with self.signals.writing():
            while data:
                data = data[os.write(self.events_fd, data):]

    def flush_output(self) -> None:
        streams = {id(s): s for s in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)}
        for stream in streams.values():
            try:
                if stream is not None:
                    stream.flush()
            except Exception:  # a learner's own stdout object may not flush; theirs to fix
                pass
        if self._libc is not None:
            self._libc.fflush(None)  # printf from C code is block-buffered on a pipe

    def restore_stdio(self) -> None:
        """After each request: fd 1/2 and sys.stdout/stderr as they were, whatever the cell did."""
        for fd, name in ((1, "stdout"), (2, "stderr")):
            want = os.fstat(self._saved_stdio[fd])
            try:
                have = os.fstat(fd)
                intact = (have.st_dev, have.st_ino) == (want.st_dev, want.st_ino)
            except OSError:
                intact = False
            if not intact:
                os.dup2(self._saved_stdio[fd], fd)
            stream = getattr(sys, f"__{name}__")
            if stream is None or stream.closed:
                stream = open_stdio(fd)
                setattr(sys, f"__{name}__", stream)
            setattr(sys, name, stream)

    def send_error(self, exc: BaseException, learner_files: set[str]) -> None:
        evalue = str(exc)
        if isinstance(exc, SyntaxError) and exc.filename in self.shown_names:
            evalue = f"{exc.msg} ({self.shown_names[exc.filename]}, line {exc.lineno})"
        self.send(P.Error(type(exc).__name__, evalue, self.format_exception(exc, learner_files)))

    def format_exception(self, exc: BaseException, learner_files: set[str]) -> str:
        """Python's traceback text with only the learner's frames (all but ours if they have none)."""
        top = traceback.TracebackException.from_exception(exc)
        chain: list[traceback.TracebackException] = []  # the exception and those it was chained to
        todo: list[traceback.TracebackException | None] = [top]
        while todo:
            te = todo.pop()
            if te is not None and all(te is not known for known in chain):
                chain.append(te)
                todo += [te.__cause__, te.__context__, *(getattr(te, "exceptions", None) or [])]
        by_learner = any(f.filename in learner_files for te in chain for f in te.stack) or any(
            getattr(te, "filename", None) in learner_files for te in chain)
        for te in chain:
            if getattr(te, "filename", None) in learner_files:
                frames = []  # a SyntaxError in learner code: its own location says it all
            elif by_learner:
                frames = [f for f in te.stack if f.filename in learner_files]
            else:  # an error of the core or of an experiment's parameters: all but our frames
                frames = [f for f in te.stack if f.filename != __file__]
            for frame in frames:
                frame.filename = self.shown_names.get(frame.filename, frame.filename)
            te.stack = traceback.StackSummary.from_list(frames)
            if getattr(te, "filename", None) in self.shown_names:  # a SyntaxError in a cell
                te.filename = self.shown_names[te.filename]
        return "".join(top.format())

    # ---------------------------------------------------------------- requests

    def serve(self, requests_fd: int) -> None:
        with os.fdopen(requests_fd, "rb") as requests:
            for line in iter(requests.readline, b""):
                try:
                    envelope = P.unseal(line)
                except P.ProtocolError as exc:
                    self.request_id = exc.request  # answered, so the client's request ends
                    self.send(P.Error("ProtocolError", str(exc), ""))
                    self.send(P.Done("error"))
                    continue
                if isinstance(envelope.message, P.Shutdown):
                    return
                self.request_id = envelope.request
                self.handle(envelope.message)
                if os.getpid() != self.owner:
                    # The learner forked without exiting and the copy finished the cell: it is
                    # not the kernel, so it leaves instead of reading the next request.
                    self.flush_output()
                    os._exit(0)

    def handle(self, request: Any) -> None:
        self.signals.new_request()
        learner_files: set[str] = set()
        status: P.DoneStatus
        result: dict | None
        try:
            if isinstance(request, P.Execute):
                status, result = self.run_cell(request, learner_files)
            elif isinstance(request, P.RunExperiment):
                status, result = self.run_experiment(request, learner_files)
            elif isinstance(request, P.Check):
                status, result = self.run_check(request, learner_files)
            else:
                raise TypeError(f"the kernel does not run {type(request).__name__} requests")
        except KeyboardInterrupt as exc:
            self.send_error(exc, learner_files)
            status, result = "interrupted", None
        except BaseException as exc:  # SystemExit and MemoryError included: the kernel stays up
            self.send_error(exc, learner_files)
            status, result = "error", None
        self.restore_stdio()
        self.signals.install()  # in case the learner's code replaced our handlers
        self.send(P.Done(status, result))

    # ---------------------------------------------------------------- cells

    def namespace(self, name: str) -> dict[str, Any]:
        if name not in self.namespaces:
            namespace = {"__name__": "__main__", "__builtins__": builtins}
            import torch

            namespace.update(torch=torch, random=random, math=math)
            for key, value in self.core.items():
                # Each lesson gets its own copy of the data: one lesson's in-place edits stay there.
                namespace[key] = value.clone() if isinstance(value, torch.Tensor) else value
            self.namespaces[name] = namespace
        return self.namespaces[name]

    def add_learner_file(self, shown: str, source: str, learner_files: set[str], unique: bool) -> str:
        """Register learner source with linecache (so tracebacks show its lines) and return the
        filename its code object gets: unique per cell run, so an edited cell does not relabel the
        frames of functions defined by its earlier version."""
        filename = f"{shown}#{self.cells_run}" if unique else shown
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        self.shown_names[filename] = shown
        learner_files.add(filename)
        return filename

    def run_cell(self, request: P.Execute, learner_files: set[str]) -> tuple[P.DoneStatus, None]:
        namespace = self.namespace(request.namespace)
        self.cells_run += 1
        shown = f"<cell {request.cell_id}>" if request.cell_id else "<cell>"
        filename = self.add_learner_file(shown, request.code, learner_files, unique=True)
        try:
            tree = ast.parse(request.code, filename)
            final = tree.body[-1] if tree.body else None
            last = final if isinstance(final, ast.Expr) else None
            if last is not None:
                tree.body.pop()
            body = compile(tree, filename, "exec")
            value_code = compile(ast.Expression(last.value), filename, "eval") if last else None
        except (SyntaxError, ValueError) as exc:
            self.send_error(exc, learner_files)
            return "error", None
        text = None
        try:
            with self.signals.user_code("raise"):
                exec(body, namespace)
                value = eval(value_code, namespace) if value_code else None
                if value is not None:
                    namespace["_"] = value
                    text = repr(value)
        except KeyboardInterrupt as exc:
            self.send_error(exc, learner_files)
            return "interrupted", None
        except BaseException as exc:
            self.send_error(exc, learner_files)
            return "error", None
        if text is not None:
            if len(text) > RESULT_LIMIT:
                text = text[:RESULT_LIMIT] + f"\n… ({len(text) - RESULT_LIMIT} more characters)"
            self.send(P.Result(text))
        return "ok", None

    # ---------------------------------------------------------------- experiments

    def experiments(self) -> dict[str, Callable[..., dict]]:
        from tutor.scratch.exercises import EXPERIMENTS

        if self._extra_experiments is None:
            spec = os.environ.get(EXPERIMENTS_ENV)
            self._extra_experiments = _load_attr(spec, "EXPERIMENTS") if spec else {}
        return {**EXPERIMENTS, **self._extra_experiments}

    def checks(self) -> ModuleType:
        from tutor.practice import checks

        return checks

    def load_impl(self, impl: dict[str, str], learner_files: set[str]) -> dict[str, Callable]:
        """The learner's functions, compiled with tutor.practice.checks.load_function."""
        checks = self.checks()
        functions = {}
        for dotted, source in impl.items():
            shown = LEARNER_FILE if len(impl) == 1 else f"your_{dotted.rsplit('.', 1)[-1]}.py"
            filename = self.add_learner_file(shown, source, learner_files, unique=False)
            with self.signals.user_code("raise"):  # the learner's module-level code runs here
                functions[dotted] = checks.load_function(dotted, source, filename=filename)
        return functions

    def run_experiment(self, request: P.RunExperiment, learner_files: set[str]) -> tuple[P.DoneStatus, dict]:
        """Each planned run in turn (experiment_runs.plan_runs), streaming its points; stops after
        the run that saw the learner's interrupt."""
        registry = self.experiments()
        experiment = registry.get(request.run)
        if experiment is None:
            raise LookupError(f"unknown experiment {request.run!r}; known: {', '.join(sorted(registry))}")
        functions = self.load_impl(request.impl, learner_files) if request.impl else None
        plan = runs.plan_runs(request, experiment, functions)
        points = PointBuffer(self.send)
        finished: list[tuple[runs.PlannedRun, dict]] = []
        try:
            for planned in plan:
                with self.signals.user_code("stop"):
                    raw = experiment(seed=request.seed, on_point=partial(points.add_to, planned),
                                     impl=planned.functions,
                                     should_stop=lambda: self.signals.stop_requested, **planned.params)
                finished.append((planned, raw))
                if self.signals.stop_requested:
                    break
        finally:
            points.flush()
        sweep_param = next(iter(request.sweep), None) if request.sweep else None
        result = runs.experiment_result(request.run, finished, request.x_axis, sweep_param,
                                        interrupted=self.signals.stop_requested)
        return ("interrupted" if self.signals.stop_requested else "ok"), result.to_wire()

    # ---------------------------------------------------------------- checks

    def run_check(self, request: P.Check, learner_files: set[str]) -> tuple[P.DoneStatus, dict | None]:
        checks = self.checks()
        filename = self.add_learner_file(LEARNER_FILE, request.source, learner_files, unique=False)
        timeout_message = f"your code did not finish within {request.timeout:g} s"
        try:
            with self.signals.user_code("raise", timeout=request.timeout):
                verdict = checks.check_source(request.implements, request.source, filename=filename)
            result = P.CheckResult(bool(verdict.passed), str(verdict.message),
                                   str(getattr(verdict, "case", "") or ""), getattr(verdict, "line", None))
        except CheckTimeout as exc:
            result = P.CheckResult(False, timeout_message, "", _last_line(exc, filename))
        if self.signals.interrupted and not self.signals.alarm_fired:
            raise KeyboardInterrupt  # the check swallowed it: still, the learner asked to stop
        if self.signals.alarm_fired and timeout_message not in result.message:
            # check_source caught our CheckTimeout itself; say what really happened.
            result = P.CheckResult(False, timeout_message, result.case, result.line)
        self.send(result)
        return "ok", asdict(result)


def _last_line(exc: BaseException, filename: str) -> int | None:
    """The line of the learner's code that was running when exc was raised."""
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == filename]
    return lines[-1] if lines else None


# -------------------------------------------------------------------- process set-up


def open_stdio(fd: int) -> io.TextIOWrapper:
    return open(fd, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)


# On a class server the apps and their kernels share a few cores. A kernel that trains must not
# make every learner's typing wait: it runs at a lower CPU priority than the apps, which only
# matters when the cores are contended (an idle machine gives a niced process all it wants).
# Measured by bench/class.py: 30 learners training at once on 2 cores.
KERNEL_NICENESS = 10


def lower_priority(niceness: int) -> None:
    """Raise the kernel's nice value (children it starts inherit it). Best effort."""
    try:
        if niceness > 0:
            os.nice(niceness)
    except OSError:
        pass


def set_memory_limit(memory_bytes: int) -> None:
    """RLIMIT_AS, soft and hard: the learner's code cannot raise it again."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        memory_bytes = min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def start_sentinel(events_fd: int) -> int:
    """Start the process that ends the kernel's process group, and return the fd that keeps it
    waiting (the kernel holds it open until it dies; see the module docstring).

    Forked twice, so that it is not the kernel's child (a learner's os.wait() never sees it) but
    stays in the kernel's process group and session; forked before torch is imported and before
    any thread exists, so it is a small copy of a bare interpreter.
    """
    alive_r, alive_w = os.pipe()
    middle = os.fork()
    if middle == 0:
        try:
            if os.fork() == 0:
                _sentinel(alive_r, events_fd)
        finally:  # the middle process never runs kernel code, even if the second fork fails
            os._exit(0)
    os.waitpid(middle, 0)
    os.close(alive_r)
    os.set_inheritable(alive_w, False)
    return alive_w


def _sentinel(alive_fd: int, events_fd: int) -> None:
    """Wait until the kernel is gone (EOF on alive_fd) or the app is (events_fd: no reader left),
    then SIGKILL the whole process group: the kernel, whatever the learner started, and itself."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # Its name in ps and top (its command line stays the kernel's): not taken for a second kernel.
        ctypes.CDLL(None).prctl(PR_SET_NAME, b"tutor-sentinel", 0, 0, 0)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # holds neither the output pipes nor the terminal
            os.dup2(devnull, fd)
        keep = sorted({0, 1, 2, alive_fd, events_fd})
        for low, high in zip(keep, [*keep[1:], 1 << 16]):
            os.closerange(low + 1, high)
        poller = select.poll()
        poller.register(alive_fd, select.POLLIN)
        poller.register(events_fd, 0)  # POLLERR once the app's reading end is closed
        while not poller.poll():
            pass
    finally:
        os.killpg(0, signal.SIGKILL)
        os._exit(0)


def isolate_forked_child(protocol_fds: tuple[int, ...]) -> None:
    """In a process the learner's code forked from the kernel: the protocol pipes become /dev/null,
    so the copy can neither read the app's next request nor answer one, and holds no pipe open."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in protocol_fds:
        os.dup2(devnull, fd)
    os.close(devnull)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tutor.kernel.server")
    parser.add_argument("--requests", type=int, required=True, help="fd of the request pipe")
    parser.add_argument("--events", type=int, required=True, help="fd of the event pipe")
    parser.add_argument("--memory-bytes", type=int, default=0, help="RLIMIT_AS (0: none)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--nice", type=int, default=KERNEL_NICENESS, help="CPU priority below the app's")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the client does not interrupt while torch loads
    # Out of os.environ at once: learner code and its subprocesses need not see it.
    token = os.environ.pop(P.TOKEN_ENV, "")
    if args.memory_bytes:
        set_memory_limit(args.memory_bytes)
    lower_priority(args.nice)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    for fd in (args.requests, args.events):
        os.set_inheritable(fd, False)  # a learner's subprocess must not hold the protocol pipes
    if os.getpgrp() != os.getpid():  # started by hand, not by the client: never kill the caller's group
        os.setpgid(0, 0)
    alive = start_sentinel(args.events)
    protocol_fds = (args.requests, args.events, alive)
    os.register_at_fork(after_in_child=lambda: isolate_forked_child(protocol_fds))
    for fd, name in ((1, "stdout"), (2, "stderr")):
        stream = open_stdio(fd)
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)

    import torch

    torch.set_num_threads(args.threads)
    core, problem = load_core()
    if problem:
        print(problem, file=sys.stderr)
    try:  # loaded now, so the first experiment and check start at once; errors show when used
        importlib.import_module("tutor.scratch.exercises")
        importlib.import_module("tutor.practice.checks")
    except Exception:
        pass
    kernel = Kernel(args.events, core, token)
    kernel.signals.install()
    kernel.send(P.Ready(torch.__version__))
    kernel.serve(args.requests)
    # Shutdown, or the app closed the request pipe. The interpreter's own teardown with torch loaded
    # takes about 0.6 s and has nothing of ours to tidy; the app is waiting, so leave at once.
    kernel.flush_output()
    os._exit(0)


if __name__ == "__main__":
    main()
