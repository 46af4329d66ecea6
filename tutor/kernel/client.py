"""The app's side of the kernel: start it, send requests, stream their events, interrupt, restart.

Used from the Textual app's event loop, from the CLI and from tests; it never imports torch.

    client = KernelClient(KernelOptions(), on_status=lambda status, detail: ...)
    await client.ensure_started()              # spawns the kernel (if none runs) and returns at once
    async for event in client.execute("print(1)\\n1 + 1", namespace="data"):
        ...                                    # Stream, Result, Error ..., then Done or KernelDied

Requests run one at a time in the order they were made; a request made while torch is loading
waits (``client.ready`` is False meanwhile, so the UI can say "loading torch…"). A request runs
whether or not anyone iterates it: its events are kept until they are read.

The kernel starts on demand: ``ensure_started()`` when a lesson opens (not at the home screen: a
class logging in at once would otherwise import torch thirty times on a few cores), or with the
first request. With ``KernelOptions.idle_timeout`` a kernel with no request for that long is
stopped (status "stopped": its variables are gone; a learner's background thread does not count as
a request) and the next request starts a new one.

Statuses, given to ``on_status(status, detail)``: "starting" (torch loading), "ready", "busy",
"restarting" (the kernel ended; detail says why in plain words, with the last thing it wrote to
stderr when it died between requests; a new one is starting), "stopped" (after sitting idle),
"dead" (it could not be started, or was shut down). Reasons and details are in ``client.lang``
(tutor/i18n/kernel_strings.py); ``client.last_death`` keeps the latest reason.

See tutor/kernel/server.py for the transport (JSON lines on two dedicated pipes; the kernel's fd 1
and 2 are two more pipes read here and turned into Stream events).
"""

from __future__ import annotations

import asyncio
import codecs
import collections
import fcntl
import hmac
import itertools
import os
import secrets
import signal
import struct
import sys
import termios
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tutor.i18n import t
from tutor.kernel import protocol as P

START_ATTEMPTS = 3  # a kernel that dies before Ready this many times in a row is given up ("dead")
EXIT_DRAIN = 0.5  # seconds to collect a dead kernel's last output before reporting its death
SHUTDOWN_GRACE = 1.0  # seconds an idle kernel has to exit after Shutdown before it is killed
STRAY_LIMIT = 65536  # characters of output kept from between requests (given to the next request)
LAST_WORDS = 200  # characters of a kernel's last stderr line quoted in the news of its death
MEMORY_SAMPLE = 0.5  # seconds between two readings of a busy kernel's memory (for a death's news)
NEAR_LIMIT = 0.9  # an address space this close to the memory limit is "close to its limit"

Status = str  # "starting" | "ready" | "busy" | "restarting" | "stopped" | "dead"
StreamName = Literal["stdout", "stderr"]


@dataclass
class KernelOptions:
    memory_bytes: int = 4 << 30  # RLIMIT_AS of the kernel process
    threads: int = 1  # torch.set_num_threads and OMP_NUM_THREADS: a class shares a few cores
    interrupt_grace: float = 2.0  # seconds an interrupted request has to end before a restart
    python: str = sys.executable
    env: dict[str, str] = field(default_factory=dict)  # extra environment for the kernel process
    idle_timeout: float = 0.0  # seconds a kernel may sit idle before it is stopped; 0: never


class KernelUnavailable(RuntimeError):
    """The kernel could not be started (or was shut down)."""


class Request:
    """One request's events, as an async iterator that ends after Done or KernelDied."""

    def __init__(self, message: Any) -> None:
        self.message = message
        self.outcome: P.Done | P.KernelDied | None = None  # the terminal event, once there is one
        self.finished = asyncio.Event()
        self._events: collections.deque = collections.deque()
        self._arrived = asyncio.Event()
        self._read_terminal = False

    def _put(self, event: Any) -> None:
        if self.outcome is not None:
            return
        self._events.append(event)
        self._arrived.set()
        if isinstance(event, P.TERMINAL):
            self.outcome = event
            self.finished.set()

    def __aiter__(self) -> Request:
        return self

    async def __anext__(self) -> Any:
        if self._read_terminal:
            raise StopAsyncIteration
        while not self._events:
            self._arrived.clear()
            await self._arrived.wait()
        event = self._events.popleft()
        self._read_terminal = isinstance(event, P.TERMINAL)
        return event

    async def wait(self) -> list[Any]:
        """Every event not read yet, up to and including the terminal one."""
        return [event async for event in self]

    def __repr__(self) -> str:
        return f"<Request {type(self.message).__name__} outcome={self.outcome!r}>"


class _StrayOutput:
    """Output written between requests (a learner's thread, a warning at start-up), kept for the
    next request: the last STRAY_LIMIT characters. O(1) per chunk, as a thread may print
    thousands of lines a second while the kernel is idle."""

    def __init__(self) -> None:
        self._chunks: collections.deque[tuple[StreamName, str]] = collections.deque()
        self._size = 0

    def add(self, name: StreamName, text: str) -> None:
        self._chunks.append((name, text))
        self._size += len(text)
        while self._size > STRAY_LIMIT and len(self._chunks) > 1:
            self._size -= len(self._chunks.popleft()[1])

    def take(self) -> list[tuple[StreamName, str]]:
        """Everything kept, oldest first; nothing is kept after."""
        chunks = list(self._chunks)
        self._chunks.clear()
        self._size = 0
        return chunks


class _Exited:
    """Put after the last event of a process that has ended."""


class _Channel:
    """A queue whose get() can time out without losing an item."""

    def __init__(self) -> None:
        self._items: collections.deque = collections.deque()
        self._arrived = asyncio.Event()

    def put(self, item: Any) -> None:
        self._items.append(item)
        self._arrived.set()

    async def get(self, timeout: float | None = None) -> Any:
        while not self._items:
            self._arrived.clear()
            await asyncio.wait_for(self._arrived.wait(), timeout)
        return self._items.popleft()


class _LineReader(asyncio.Protocol):
    """The event pipe: one envelope per line, kept only if it carries the kernel's token."""

    def __init__(self, channel: _Channel, closed: asyncio.Event, token: str) -> None:
        self._channel, self._closed, self._token, self._buffer = channel, closed, token, b""

    def data_received(self, data: bytes) -> None:
        *lines, self._buffer = (self._buffer + data).split(b"\n")
        for line in lines:
            try:
                envelope = P.unseal(line)
            except P.ProtocolError:
                continue  # not the kernel's: it writes whole, sealed lines only
            if hmac.compare_digest(envelope.token, self._token):
                self._channel.put(envelope)

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed.set()


class _OutputReader(asyncio.Protocol):
    """fd 1 or 2 of the kernel: text handed on as soon as it is read (no call_soon in between, so
    an empty pipe means every byte written so far has been handed on)."""

    def __init__(self, name: StreamName, on_output: Callable[[StreamName, str], None],
                 closed: asyncio.Event) -> None:
        self._name, self._on_output, self._closed = name, on_output, closed
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def data_received(self, data: bytes) -> None:
        text = self._decoder.decode(data)
        if text:
            self._on_output(self._name, text)

    def connection_lost(self, exc: Exception | None) -> None:
        text = self._decoder.decode(b"", final=True)
        if text:
            self._on_output(self._name, text)
        self._closed.set()


def describe_exit(returncode: int, out_of_memory: bool | None = None, lang: str = "en") -> str:
    """Why a kernel the tutor did not kill ended, in plain words. out_of_memory: whether the
    system's out-of-memory killer acted meanwhile (None: cannot tell)."""
    if returncode >= 0:
        return t("kernel_reason.exit", lang, status=returncode)
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = str(-returncode)
    if name != "SIGKILL":
        return t("kernel_reason.signal", lang, signal=name)
    if out_of_memory:
        return t("kernel_reason.oom", lang)
    reason = t("kernel_reason.outside_kill", lang)
    return t("kernel_reason.not_oom" if out_of_memory is False else "kernel_reason.maybe_oom", lang, reason=reason)


def oom_kills() -> int | None:
    """How many processes of this process's cgroup the out-of-memory killer has ended (the
    kernel shares the app's cgroup); None where the count cannot be read."""
    try:
        with open("/proc/self/cgroup") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    candidates = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # cgroup v2
            candidates += [f"/sys/fs/cgroup{path}/memory.events", "/sys/fs/cgroup/memory.events"]
        elif "memory" in controllers.split(","):  # cgroup v1
            candidates += [f"/sys/fs/cgroup/memory{path}/memory.oom_control",
                           "/sys/fs/cgroup/memory/memory.oom_control"]
    for candidate in candidates:
        try:
            with open(candidate) as f:
                for entry in f:
                    key, _, count = entry.partition(" ")
                    if key == "oom_kill":
                        return int(count)
        except (OSError, ValueError):
            continue
    return None


def last_words(stderr: str) -> str:
    """The line of a dead kernel's stderr worth quoting: the last it wrote (of a traceback, the
    exception itself, not the frames above it)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1]
    return line if len(line) <= LAST_WORDS else line[: LAST_WORDS - 1] + "…"


def _unread_bytes(fd: int) -> int:
    try:
        return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
    except OSError:
        return 0


class _Process:
    """One kernel process with its four pipes."""

    def __init__(self, options: KernelOptions, on_output: Callable[[StreamName, str], None]) -> None:
        self.options = options
        self.events = _Channel()
        self.ready = False
        self.kill_reason: str | None = None
        self.returncode: int | None = None
        self.exited = asyncio.Event()  # set once the process is gone and its last output read
        self.stderr_tail = ""
        self._on_output = on_output
        self._process: asyncio.subprocess.Process | None = None
        self._transports: list[asyncio.BaseTransport] = []
        self._closed = [asyncio.Event() for _ in range(3)]
        self._output_fds: tuple[int, ...] = ()
        self._token = secrets.token_hex(16)
        self._oom_kills = oom_kills()
        self.memory: tuple[int, int] | None = None  # (resident, address space) during the last request

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process and self.returncode is None else None

    def _output(self, name: StreamName, text: str) -> None:
        if name == "stderr" and not self.ready:
            self.stderr_tail = (self.stderr_tail + text)[-2000:]
        self._on_output(name, text)

    async def spawn(self) -> None:
        loop = asyncio.get_running_loop()
        pipes = [os.pipe() for _ in range(4)]  # requests, events, stdout, stderr
        (req_r, req_w), (evt_r, evt_w), (out_r, out_w), (err_r, err_w) = pipes
        env = dict(os.environ)
        threads = str(self.options.threads)
        env.update(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads, PYTHONIOENCODING="utf-8")
        # -P keeps the current directory off sys.path (a learner's random.py must not shadow
        # random), so the kernel finds this package through PYTHONPATH.
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        env.update(self.options.env)
        env[P.TOKEN_ENV] = self._token
        try:
            self._process = await asyncio.create_subprocess_exec(
                self.options.python, "-P", "-m", "tutor.kernel.server",
                "--requests", str(req_r), "--events", str(evt_w),
                "--memory-bytes", str(self.options.memory_bytes), "--threads", threads,
                stdin=asyncio.subprocess.DEVNULL, stdout=out_w, stderr=err_w,
                pass_fds=(req_r, evt_w), env=env,
                # Its own session and process group: a Ctrl-C in the terminal reaches the app, not
                # the kernel, and a kill of the group also ends whatever the learner's code started.
                start_new_session=True,
            )
        except BaseException:
            for fd in (req_w, evt_r, out_r, err_r):
                os.close(fd)
            raise
        finally:
            for fd in (req_r, evt_w, out_w, err_w):
                os.close(fd)
        evt_closed, out_closed, err_closed = self._closed
        self._output_fds = (out_r, err_r)
        for fd, factory in (
            (evt_r, lambda: _LineReader(self.events, evt_closed, self._token)),
            (out_r, lambda: _OutputReader("stdout", self._output, out_closed)),
            (err_r, lambda: _OutputReader("stderr", self._output, err_closed)),
        ):
            reader, _ = await loop.connect_read_pipe(factory, os.fdopen(fd, "rb", buffering=0))
            self._transports.append(reader)
        self._requests, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(req_w, "wb", buffering=0))
        self._transports.append(self._requests)
        self._watcher = asyncio.create_task(self._watch_exit(self._process))

    async def _watch_exit(self, process: asyncio.subprocess.Process) -> None:
        returncode = await process.wait()
        try:  # what it wrote just before dying is worth showing
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in self._closed)), EXIT_DRAIN)
        except TimeoutError:  # a subprocess the learner started may hold the pipes open
            pass
        self.returncode = returncode
        self._output_fds = ()
        for transport in self._transports:
            transport.close()
        self.events.put(_Exited())
        self.exited.set()

    def send(self, message: Any, request: int = 0) -> None:
        if self.returncode is None and not self._requests.is_closing():
            self._requests.write(P.seal(message, request))

    def interrupt(self) -> None:
        if self.pid is not None:
            os.kill(self.pid, signal.SIGINT)

    def kill(self, reason: str) -> None:
        if self.kill_reason is None:
            self.kill_reason = reason
        pid = self.pid
        if pid is None:
            return
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    async def drain_output(self) -> None:
        """Wait until everything the kernel wrote to fd 1/2 so far has been handed on."""
        for attempt in range(200):
            if not any(_unread_bytes(fd) for fd in self._output_fds):
                return
            await asyncio.sleep(0 if attempt < 20 else 0.005)

    def death_reason(self, lang: str) -> str:
        if self.kill_reason:
            return self.kill_reason
        returncode = self.returncode if self.returncode is not None else 0
        out_of_memory = None
        if returncode == -signal.SIGKILL:
            now = oom_kills()
            if now is not None and self._oom_kills is not None:
                out_of_memory = now > self._oom_kills
        reason = describe_exit(returncode, out_of_memory, lang)
        if returncode == -signal.SIGKILL and self.memory is not None:
            rss, address_space = self.memory
            near = address_space >= NEAR_LIMIT * self.options.memory_bytes
            return t("kernel_reason.memory_near" if near else "kernel_reason.memory", lang, reason=reason,
                     used=_size(rss), limit=_size(self.options.memory_bytes))
        return reason

    def sample_memory(self) -> None:
        """Keep the kernel's resident memory and address space (VmRSS, VmSize), to say after an
        outside SIGKILL what it was using; nothing if /proc cannot tell."""
        if self.pid is None:
            return
        try:
            with open(f"/proc/{self.pid}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            self.memory = (int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmSize"].split()[0]) * 1024)
        except (OSError, KeyError, ValueError, IndexError):
            pass


def _size(n: int) -> str:
    return f"{n / (1 << 30):.1f} GiB" if n >= 1 << 30 else f"{n / (1 << 20):.0f} MiB"


async def _sample_memory(process: _Process) -> None:
    while True:
        process.sample_memory()
        await asyncio.sleep(MEMORY_SAMPLE)


class KernelClient:
    """The kernel as the app sees it. Status: starting | ready | busy | restarting | stopped | dead."""

    def __init__(self, options: KernelOptions | None = None,
                 on_status: Callable[[str, str], None] | None = None, lang: str = "en") -> None:
        self.options = options or KernelOptions()
        self.on_status = on_status
        # The language of the reasons and details it reports; the app sets it when the learner
        # switches language.
        self.lang = lang
        self.status: Status = "dead"
        self.status_detail = t("kernel_detail.not_started", lang)
        self.torch_version: str | None = None
        # Why the last kernel ended, in plain words (None while the first one lives).
        self.last_death: str | None = None
        self._process: _Process | None = None
        self._queue: collections.deque[Request] = collections.deque()
        self._queued = asyncio.Event()
        self._changed = asyncio.Event()
        self._current: Request | None = None
        self._stray = _StrayOutput()
        self._supervisor: asyncio.Task | None = None
        self._closing = False
        self._idle_timer: asyncio.TimerHandle | None = None
        self._stopping_idle = False
        self._stopper: asyncio.Task | None = None
        self._request_ids = itertools.count(1)

    # ---------------------------------------------------------------- state

    @property
    def ready(self) -> bool:
        """torch is loaded and the kernel is alive (it may be busy)."""
        return self._process is not None and self._process.ready and self._process.returncode is None

    @property
    def busy(self) -> bool:
        """A request is running or waiting."""
        return self._current is not None or any(r.outcome is None for r in self._queue)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def _say(self, key: str, **fields: object) -> str:
        return t(key, self.lang, **fields)

    def _set_status(self, status: Status, detail: str = "") -> None:
        self.status, self.status_detail = status, detail
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
        self._arm_idle_timer(status == "ready")
        if self.on_status is not None:
            try:
                self.on_status(status, detail)
            except Exception:  # the UI's callback must not take the kernel's supervisor down
                pass

    # ---------------------------------------------------------------- life cycle

    async def ensure_started(self) -> None:
        """Start a kernel if none is running or starting, and return at once (torch loads in the
        background). The app calls it when a lesson opens; every request calls it too."""
        if self._supervisor is None or self._supervisor.done():
            self._launch()

    start = ensure_started  # the name the app and the CLI used first

    def _launch(self) -> None:
        self._closing = False
        self._set_status("starting", self._say("kernel_detail.loading"))
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def wait_ready(self, timeout: float | None = None) -> None:
        """Return once torch is loaded; KernelUnavailable if the kernel cannot start."""
        await self.ensure_started()

        async def until_ready() -> None:
            while not self.ready:
                if self.status == "dead":
                    raise KernelUnavailable(self.status_detail)
                await self._changed.wait()

        await asyncio.wait_for(until_ready(), timeout)

    async def interrupt(self) -> str:
        """SIGINT to the running request: "interrupted" once it ended, "restarted" if it did not end
        within interrupt_grace (the kernel was killed and a new one started), "idle" if nothing ran.
        A request still waiting for torch to load is cancelled ("interrupted")."""
        request, process = self._current, self._process
        if request is None or process is None:
            for waiting in self._queue:
                if waiting.outcome is None:
                    waiting._put(P.Done("interrupted"))
                    return "interrupted"
            return "idle"
        process.interrupt()
        grace = self.options.interrupt_grace
        try:
            await asyncio.wait_for(request.finished.wait(), grace)
        except TimeoutError:
            process.kill(self._say("kernel_reason.interrupt_timeout", seconds=grace))
            await request.finished.wait()
        return "restarted" if isinstance(request.outcome, P.KernelDied) else "interrupted"

    async def restart(self, reason: str | None = None) -> None:
        """Kill the kernel and everything it started (a running request ends with
        KernelDied(reason), by default "restarted on request"), and start a new one; returns once
        the new one is starting. A kernel that has just died is being replaced already: nothing
        more is done."""
        reason = reason or self._say("kernel_reason.restart")
        process = self._process
        if process is None or self._supervisor is None or self._supervisor.done():
            await self.ensure_started()
            return
        process.kill(reason)
        await process.exited.wait()
        # Until the supervisor has seen the death (and is starting the next kernel, or gave up).
        while self._process is process and self.status not in ("restarting", "dead", "stopped"):
            await self._changed.wait()
        if self.status == "stopped":  # it was being stopped for idleness: a restart wants one
            await self.ensure_started()

    async def shutdown(self) -> None:
        """Stop the kernel and wait until its process is gone; later requests end with KernelDied."""
        self._closing = True
        process = self._process
        if process is not None:
            if process.ready and self._current is None:
                process.send(P.Shutdown())
                try:
                    await asyncio.wait_for(process.exited.wait(), SHUTDOWN_GRACE)
                except TimeoutError:
                    pass
            process.kill(self._say("kernel_reason.shutdown"))
            await process.exited.wait()
        self._queued.set()
        if self._supervisor is not None:
            await self._supervisor
        self._fail_all(self._say("kernel_reason.shutdown"))
        self._set_status("dead", self._say("kernel_detail.shut_down"))

    # ---------------------------------------------------------------- stopping an idle kernel

    def _arm_idle_timer(self, idle: bool) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        if idle and self.options.idle_timeout > 0:
            self._idle_timer = asyncio.get_running_loop().call_later(
                self.options.idle_timeout, self._stop_idle)

    def _stop_idle(self) -> None:
        """The idle timeout fired: ask the kernel to exit (its supervisor then reports "stopped")."""
        self._idle_timer = None
        process = self._process
        if process is None or self.busy or self.status != "ready" or self._closing:
            return
        self._stopping_idle = True
        process.send(P.Shutdown())
        self._queued.set()

        async def ensure_gone() -> None:
            try:
                await asyncio.wait_for(process.exited.wait(), SHUTDOWN_GRACE)
            except TimeoutError:
                process.kill(self._say("kernel_reason.idle", seconds=self.options.idle_timeout))

        self._stopper = asyncio.get_running_loop().create_task(ensure_gone())

    # ---------------------------------------------------------------- requests

    def execute(self, code: str, cell_id: str = "", namespace: str = "") -> Request:
        return self._submit(P.Execute(code, cell_id, namespace))

    def experiment(self, run: str, params: dict[str, Any] | None = None, *, seed: int = 0,
                   sweep: dict[str, list[Any]] | None = None, impl: dict[str, str] | None = None,
                   compare: bool = False, x_axis: str = "step") -> Request:
        return self._submit(P.RunExperiment(run, dict(params or {}), seed, sweep, impl, compare, x_axis))

    def check(self, implements: str, source: str, timeout: float = 10.0) -> Request:
        return self._submit(P.Check(implements, source, timeout))

    def _submit(self, message: Any) -> Request:
        request = Request(message)
        if self._closing:
            request._put(P.KernelDied(self._say("kernel_reason.shutdown")))
            return request
        self._arm_idle_timer(False)
        if self._supervisor is None or self._supervisor.done():
            if self.status == "dead" and self._supervisor is not None:
                request._put(P.KernelDied(self.status_detail))
                return request
            self._launch()
        self._queue.append(request)
        self._queued.set()
        return request

    def _on_output(self, name: StreamName, text: str) -> None:
        if self._current is not None:
            self._current._put(P.Stream(name, text))
        else:  # between requests (a learner's thread, a warning at start-up): shown with the next
            self._stray.add(name, text)

    def _fail_all(self, reason: str) -> None:
        for request in [self._current, *self._queue]:
            if request is not None:
                request._put(P.KernelDied(reason))
        self._queue.clear()

    # ---------------------------------------------------------------- the supervisor

    async def _supervise(self) -> None:
        failures = 0
        while not self._closing:
            process = _Process(self.options, self._on_output)
            try:
                await process.spawn()
            except OSError as exc:
                self._die(self._say("kernel_reason.cannot_start", error=exc))
                return
            self._process = process
            reason = await self._serve(process)
            if self._closing:
                break
            if self._stopping_idle:
                self._stopping_idle = False
                self._stray.take()
                self.last_death = self._say("kernel_reason.idle", seconds=self.options.idle_timeout)
                if not self.busy:
                    self._set_status("stopped", self.last_death)
                    return
                # A request came while it was stopping: its kernel starts at once, as a first one.
                self._set_status("starting", self._say("kernel_detail.loading"))
                continue
            failures = 0 if process.ready else failures + 1
            if failures >= START_ATTEMPTS:
                words = last_words(process.stderr_tail)
                self._die(self._say("kernel_reason.gave_up_saying", reason=reason, words=words) if words
                          else self._say("kernel_reason.gave_up", reason=reason))
                return
            self.last_death = reason
            self._set_status("restarting", reason)

    def _die(self, reason: str) -> None:
        self._fail_all(reason)
        self.last_death = reason
        self._set_status("dead", reason)

    async def _serve(self, process: _Process) -> str:
        """Run requests on one process until it is gone; return why it went."""
        item = await process.events.get()
        while not isinstance(item, _Exited) and not isinstance(item.message, P.Ready):
            item = await process.events.get()
        if isinstance(item, _Exited):
            return process.death_reason(self.lang)
        process.ready = True
        self.torch_version = item.message.torch_version
        self._set_status("ready")
        while True:
            request = await self._next_request(process)
            if request is None:
                return self._died_idle(process)
            if not await self._run(process, request):
                return process.death_reason(self.lang)
            if not self._closing:
                self._set_status("ready")

    def _died_idle(self, process: _Process) -> str:
        """Why a kernel ended between requests. What it wrote meanwhile belonged to it, not to the
        next request on a new kernel: its last stderr line goes into the news of its death."""
        stderr = "".join(text for name, text in self._stray.take() if name == "stderr")
        process.memory = None  # a reading from the last request is no news of an idle kernel
        reason = process.death_reason(self.lang)
        words = last_words(stderr)
        return self._say("kernel_reason.last_words", reason=reason, words=words) if words else reason

    async def _next_request(self, process: _Process) -> Request | None:
        """The next request not cancelled, or None if the process ended while idle (or is being
        stopped for idleness: requests then wait for the next kernel)."""
        while True:
            while self._queue and not self._stopping_idle:
                request = self._queue.popleft()
                if request.outcome is None:
                    return request
            if self._closing or process.exited.is_set():
                return None
            self._queued.clear()
            waiters = [asyncio.ensure_future(self._queued.wait()), asyncio.ensure_future(process.exited.wait())]
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()

    async def _run(self, process: _Process, request: Request) -> bool:
        """Send one request and pass its events on; False if the process died meanwhile."""
        self._current = request
        self._set_status("busy", type(request.message).__name__)
        for name, text in self._stray.take():
            request._put(P.Stream(name, text))
        loop = asyncio.get_running_loop()
        deadline = None
        if isinstance(request.message, P.Check):
            # The kernel's own alarm ends a check; this only catches a check that defeats it.
            deadline = loop.time() + request.message.timeout + self.options.interrupt_grace + 1.0
        request_id = next(self._request_ids)
        process.send(request.message, request_id)
        sampler = loop.create_task(_sample_memory(process))
        try:
            while True:
                try:
                    item = await process.events.get(None if deadline is None else max(0.0, deadline - loop.time()))
                except TimeoutError:
                    process.kill(self._say("kernel_reason.check_timeout", seconds=request.message.timeout))
                    deadline = None
                    continue
                if isinstance(item, _Exited):
                    reason = process.death_reason(self.lang)
                    request._put(P.KernelDied(reason if self._closing else self._say("kernel_reason.restarted",
                                                                                      reason=reason)))
                    return False
                if item.request != request_id:
                    continue  # an answer to an earlier request, come too late: not this one's
                event = item.message
                if not isinstance(event, P.Points):
                    await process.drain_output()  # the request's output comes before this event
                request._put(event)
                if isinstance(event, P.Done):
                    return True
        finally:
            sampler.cancel()
            self._current = None
