"""The app's side of the kernel: start it, send requests, stream their events, interrupt, restart.

Used from the Textual app's event loop, from the CLI and from tests; it never imports torch.

    client = KernelClient(KernelOptions(), on_status=lambda status, detail: ...)
    await client.start()                       # spawns the kernel and returns at once
    async for event in client.execute("print(1)\\n1 + 1", namespace="data"):
        ...                                    # Stream, Result, Error ..., then Done or KernelDied

Requests run one at a time in the order they were made; a request made while torch is loading
waits (``client.ready`` is False meanwhile, so the UI can say "loading torch…"). A request runs
whether or not anyone iterates it: its events are kept until they are read.

See tutor/kernel/server.py for the transport (JSON lines on two dedicated pipes; the kernel's fd 1
and 2 are two more pipes read here and turned into Stream events).
"""

from __future__ import annotations

import asyncio
import codecs
import collections
import fcntl
import os
import signal
import struct
import sys
import termios
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tutor.kernel import protocol as P

START_ATTEMPTS = 3  # a kernel that dies before Ready this many times in a row is given up ("dead")
EXIT_DRAIN = 0.5  # seconds to collect a dead kernel's last output before reporting its death
SHUTDOWN_GRACE = 1.0  # seconds an idle kernel has to exit after Shutdown before it is killed
STRAY_LIMIT = 65536  # characters of output kept from between requests (given to the next request)

Status = str  # "starting" | "ready" | "busy" | "restarting" | "dead"


@dataclass
class KernelOptions:
    memory_bytes: int = 4 << 30  # RLIMIT_AS of the kernel process
    threads: int = 1  # torch.set_num_threads and OMP_NUM_THREADS: a class shares a few cores
    interrupt_grace: float = 2.0  # seconds an interrupted request has to end before a restart
    python: str = sys.executable
    env: dict[str, str] = field(default_factory=dict)  # extra environment for the kernel process


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

    def __aiter__(self) -> "Request":
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
    """The event pipe: one decoded message per line."""

    def __init__(self, channel: _Channel, closed: asyncio.Event) -> None:
        self._channel, self._closed, self._buffer = channel, closed, b""

    def data_received(self, data: bytes) -> None:
        *lines, self._buffer = (self._buffer + data).split(b"\n")
        for line in lines:
            try:
                self._channel.put(P.decode(line))
            except P.ProtocolError as exc:  # a kernel bug; shown rather than hidden
                self._channel.put(P.Stream("stderr", f"[kernel protocol error: {exc}]\n"))

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed.set()


class _OutputReader(asyncio.Protocol):
    """fd 1 or 2 of the kernel: text handed on as soon as it is read (no call_soon in between, so
    an empty pipe means every byte written so far has been handed on)."""

    def __init__(self, name: str, on_output: Callable[[str, str], None], closed: asyncio.Event) -> None:
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


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        reason = f"the kernel was killed by signal {name}"
        if name == "SIGKILL":
            reason += " (the system may have run out of memory)"
        return reason
    return f"the kernel exited with status {returncode}"


def _unread_bytes(fd: int) -> int:
    try:
        return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
    except OSError:
        return 0


class _Process:
    """One kernel process with its four pipes."""

    def __init__(self, options: KernelOptions, on_output: Callable[[str, str], None]) -> None:
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

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process and self.returncode is None else None

    def _output(self, name: str, text: str) -> None:
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
        try:
            self._process = await asyncio.create_subprocess_exec(
                self.options.python, "-P", "-m", "tutor.kernel.server",
                "--requests", str(req_r), "--events", str(evt_w),
                "--memory-bytes", str(self.options.memory_bytes), "--threads", threads,
                "--parent", str(os.getpid()),
                stdin=asyncio.subprocess.DEVNULL, stdout=out_w, stderr=err_w,
                pass_fds=(req_r, evt_w), env=env,
                # Its own session: a Ctrl-C in the terminal reaches the app, not the kernel, and a
                # kill of the group also ends whatever the learner's code started.
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
            (evt_r, lambda: _LineReader(self.events, evt_closed)),
            (out_r, lambda: _OutputReader("stdout", self._output, out_closed)),
            (err_r, lambda: _OutputReader("stderr", self._output, err_closed)),
        ):
            transport, _ = await loop.connect_read_pipe(factory, os.fdopen(fd, "rb", buffering=0))
            self._transports.append(transport)
        transport, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(req_w, "wb", buffering=0))
        self._transports.append(transport)
        self._requests = transport
        asyncio.create_task(self._watch_exit())

    async def _watch_exit(self) -> None:
        returncode = await self._process.wait()
        try:  # what it wrote just before dying is worth showing
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in self._closed)), EXIT_DRAIN)
        except asyncio.TimeoutError:  # a subprocess the learner started may hold the pipes open
            pass
        self.returncode = returncode
        self._output_fds = ()
        for transport in self._transports:
            transport.close()
        self.events.put(_Exited())
        self.exited.set()

    def send(self, message: Any) -> None:
        if self.returncode is None and not self._requests.is_closing():
            self._requests.write(P.encode(message))

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

    def death_reason(self) -> str:
        return self.kill_reason or describe_exit(self.returncode if self.returncode is not None else 0)


class KernelClient:
    """The kernel as the app sees it. Status: starting | ready | busy | restarting | dead."""

    def __init__(self, options: KernelOptions | None = None,
                 on_status: Callable[[str, str], None] | None = None) -> None:
        self.options = options or KernelOptions()
        self.on_status = on_status
        self.status: Status = "dead"
        self.status_detail = "not started"
        self.torch_version: str | None = None
        self._process: _Process | None = None
        self._queue: collections.deque[Request] = collections.deque()
        self._queued = asyncio.Event()
        self._changed = asyncio.Event()
        self._current: Request | None = None
        self._stray: list[tuple[str, str]] = []
        self._supervisor: asyncio.Task | None = None
        self._closing = False

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

    def _set_status(self, status: Status, detail: str = "") -> None:
        self.status, self.status_detail = status, detail
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
        if self.on_status is not None:
            try:
                self.on_status(status, detail)
            except Exception:  # the UI's callback must not take the kernel's supervisor down
                pass

    # ---------------------------------------------------------------- life cycle

    async def start(self) -> None:
        """Spawn the kernel in the background and return at once."""
        if self._supervisor is None or self._supervisor.done():
            self._launch()

    def _launch(self) -> None:
        self._closing = False
        self._set_status("starting", "loading torch…")
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def wait_ready(self, timeout: float | None = None) -> None:
        """Return once torch is loaded; KernelUnavailable if the kernel cannot start."""
        await self.start()

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
        except asyncio.TimeoutError:
            process.kill(f"the kernel did not stop within {grace:g} s of the interrupt")
            await request.finished.wait()
        return "restarted" if isinstance(request.outcome, P.KernelDied) else "interrupted"

    async def restart(self, reason: str = "the kernel was restarted on request") -> None:
        """Kill the kernel (ending the running request with KernelDied(reason)) and start a new one."""
        process = self._process
        if process is None or self._supervisor is None or self._supervisor.done():
            await self.start()
            return
        process.kill(reason)
        await process.exited.wait()
        # Until the supervisor has moved on to a new process (or given up).
        while self._process is process and self.status != "dead":
            await self._changed.wait()

    async def shutdown(self) -> None:
        """Stop the kernel and wait until its process is gone; later requests end with KernelDied."""
        self._closing = True
        process = self._process
        if process is not None:
            if process.ready and self._current is None:
                process.send(P.Shutdown())
                try:
                    await asyncio.wait_for(process.exited.wait(), SHUTDOWN_GRACE)
                except asyncio.TimeoutError:
                    pass
            process.kill("the kernel was shut down")
            await process.exited.wait()
        self._queued.set()
        if self._supervisor is not None:
            await self._supervisor
        self._fail_all("the kernel was shut down")
        self._set_status("dead", "shut down")

    # ---------------------------------------------------------------- requests

    def execute(self, code: str, cell_id: str = "", namespace: str = "") -> Request:
        return self._submit(P.Execute(code, cell_id, namespace))

    def experiment(self, run: str, params: dict[str, Any] | None = None, *, seed: int = 0,
                   sweep: dict[str, list[Any]] | None = None, impl: dict[str, str] | None = None,
                   compare: bool = False) -> Request:
        return self._submit(P.RunExperiment(run, dict(params or {}), seed, sweep, impl, compare))

    def check(self, implements: str, source: str, timeout: float = 10.0) -> Request:
        return self._submit(P.Check(implements, source, timeout))

    def _submit(self, message: Any) -> Request:
        request = Request(message)
        if self._closing:
            request._put(P.KernelDied("the kernel was shut down"))
            return request
        if self._supervisor is None or self._supervisor.done():
            if self.status == "dead" and self._supervisor is not None:
                request._put(P.KernelDied(self.status_detail))
                return request
            self._launch()
        self._queue.append(request)
        self._queued.set()
        return request

    def _on_output(self, name: str, text: str) -> None:
        if self._current is not None:
            self._current._put(P.Stream(name, text))
        else:  # between requests (a learner's thread, a warning at start-up): shown with the next
            self._stray.append((name, text))
            while sum(len(t) for _, t in self._stray) > STRAY_LIMIT and len(self._stray) > 1:
                self._stray.pop(0)

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
                self._die(f"the kernel could not start: {exc}")
                return
            self._process = process
            reason = await self._serve(process)
            if self._closing:
                break
            failures = 0 if process.ready else failures + 1
            if failures >= START_ATTEMPTS:
                tail = process.stderr_tail.strip().splitlines()
                self._die(f"the kernel could not start ({reason})" + (f": {tail[-1]}" if tail else ""))
                return
            self._set_status("restarting", reason)

    def _die(self, reason: str) -> None:
        self._fail_all(reason)
        self._set_status("dead", reason)

    async def _serve(self, process: _Process) -> str:
        """Run requests on one process until it is gone; return why it went."""
        item = await process.events.get()
        while not isinstance(item, (P.Ready, _Exited)):
            item = await process.events.get()
        if isinstance(item, _Exited):
            return process.death_reason()
        process.ready = True
        self.torch_version = item.torch_version
        self._set_status("ready")
        while True:
            request = await self._next_request(process)
            if request is None or not await self._run(process, request):
                return process.death_reason()
            if not self._closing:
                self._set_status("ready")

    async def _next_request(self, process: _Process) -> Request | None:
        """The next request not cancelled, or None if the process ended while idle."""
        while True:
            while self._queue:
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
        for name, text in self._stray:
            request._put(P.Stream(name, text))
        self._stray.clear()
        loop = asyncio.get_running_loop()
        deadline = None
        if isinstance(request.message, P.Check):
            # The kernel's own alarm ends a check; this only catches a check that defeats it.
            deadline = loop.time() + request.message.timeout + self.options.interrupt_grace + 1.0
        process.send(request.message)
        try:
            while True:
                try:
                    item = await process.events.get(None if deadline is None else max(0.0, deadline - loop.time()))
                except asyncio.TimeoutError:
                    process.kill(f"the check did not finish within {request.message.timeout:g} s")
                    deadline = None
                    continue
                if isinstance(item, _Exited):
                    reason = process.death_reason()
                    request._put(P.KernelDied(reason if self._closing else f"{reason}; it was restarted"))
                    return False
                if not isinstance(item, P.Points):
                    await process.drain_output()  # the request's output comes before this event
                request._put(item)
                if isinstance(item, P.Done):
                    return True
        finally:
            self._current = None
