"""The app's side of the learner's kernel: the one object blocks run code through.

The app builds one `KernelHost`; the lesson screen hands it to each block in its `LessonContext`
(attributes down). A block never touches the kernel client or `self.app`: it calls a typed method
here and iterates the protocol events it yields, ending with `Done` or `KernelDied`:

    async for event in context.host.execute(source, cell_id, namespace):   # code cells
    async for event in context.host.experiment(run, params, seed=0, ...):  # experiments
    async for event in context.host.check(implements, source):             # exercises

What the host adds to the client is small: the kernel's state as one `KernelStatus` value given to
the app (which keeps it in its `kernel_status` reactive for screens to watch), and every death of
the kernel — during a request, or while idle between two — reported once to the app, which says it
in plain words; the client has already started a new kernel by then. The app stays up whatever the
learner's code does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

from tutor.kernel.client import KernelClient, KernelOptions, Request
from tutor.kernel.protocol import KernelDied

# off: not started yet (it starts when a lesson opens); loading: torch is loading; ready; busy:
# running a request; restarting: a new kernel replaces one that died or was restarted; stopped:
# stopped after sitting idle, the next run starts a new one; dead: it could not be started.
KernelStatus = Literal["off", "loading", "ready", "busy", "restarting", "stopped", "dead"]
InterruptOutcome = Literal["interrupted", "restarted", "idle"]

# The client's status words -> the host's.
_CLIENT_STATUS: dict[str, KernelStatus] = {
    "starting": "loading",
    "ready": "ready",
    "busy": "busy",
    "restarting": "restarting",
    "stopped": "stopped",
    "idle": "stopped",
    "dead": "dead",
}


def _no_status(status: KernelStatus, detail: str) -> None:
    pass


def _no_death(reason: str, while_idle: bool) -> None:
    pass


class KernelHost:
    """The kernel as blocks use it. `on_status(status, detail)` follows every change of state;
    `on_death(reason, while_idle)` is called once per kernel that died (not for a requested
    restart or a shutdown)."""

    def __init__(
        self,
        options: KernelOptions,
        *,
        enabled: bool = True,
        on_status: Callable[[KernelStatus, str], None] = _no_status,
        on_death: Callable[[str, bool], None] = _no_death,
    ) -> None:
        self.enabled = enabled
        self.on_status = on_status
        self.on_death = on_death
        self.status: KernelStatus = "off"
        self._client = KernelClient(options, on_status=self._client_status)
        self._requests = 0  # requests being iterated now
        self._restart_asked = False

    # -- state ------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """torch is loaded and the kernel is alive (it may be busy)."""
        return self._client.ready

    @property
    def busy(self) -> bool:
        """A request is running or waiting."""
        return self._client.busy

    @property
    def pid(self) -> int | None:
        """The kernel's process id, None while there is no kernel."""
        return self._client.pid

    def _client_status(self, status: str, detail: str = "") -> None:
        mapped = _CLIENT_STATUS.get(status, "loading")
        if mapped == "restarting" and self._requests == 0 and not self._restart_asked:
            # died between requests: a busy death is reported by the request's KernelDied
            self.on_death(detail, True)
        if mapped in ("ready", "dead"):
            self._restart_asked = False
        self.status = mapped
        self.on_status(mapped, detail)

    # -- life cycle ---------------------------------------------------------------------------

    async def ensure_started(self) -> None:
        """Start the kernel if it is not running (returns at once; torch loads in the background)."""
        if self.enabled:
            await self._client.ensure_started()

    async def interrupt(self) -> InterruptOutcome:
        """Interrupt whatever runs: "interrupted", "restarted" (it did not stop in time), "idle"."""
        outcome = await self._client.interrupt()
        return "idle" if outcome not in ("interrupted", "restarted") else outcome  # type: ignore[return-value]

    async def restart(self) -> None:
        """A new kernel in place of this one: its variables are gone; a running request ends."""
        if not self.enabled:
            return
        self._restart_asked = True
        await self._client.restart()

    async def shutdown(self) -> None:
        await self._client.shutdown()

    # -- requests -----------------------------------------------------------------------------

    def execute(self, code: str, cell_id: str = "", namespace: str = "") -> AsyncIterator[Any]:
        """Run a code cell in `namespace` (one per lesson): Stream, Result, Error, then Done."""
        return self._events(lambda: self._client.execute(code, cell_id, namespace))

    def experiment(
        self,
        run: str,
        params: dict[str, Any] | None = None,
        *,
        seed: int = 0,
        sweep: dict[str, list[Any]] | None = None,
        impl: dict[str, str] | None = None,
        compare: bool = False,
        x_axis: str = "step",
    ) -> AsyncIterator[Any]:
        """Run an experiment: Points as it trains, then Done with the result's wire form
        (`ExperimentResult.from_wire`); x_axis is "step", "epoch" or "examples"."""
        return self._events(
            lambda: self._client.experiment(run, params, seed=seed, sweep=sweep, impl=impl, compare=compare,
                                            x_axis=x_axis)
        )

    def check(self, implements: str, source: str) -> AsyncIterator[Any]:
        """Check the learner's version of a core function: CheckResult, then Done."""
        return self._events(lambda: self._client.check(implements, source))

    async def _events(self, submit: Callable[[], Request]) -> AsyncIterator[Any]:
        await self.ensure_started()
        self._requests += 1
        try:
            async for event in submit():
                if isinstance(event, KernelDied) and not self._restart_asked:
                    self.on_death(event.reason, False)
                yield event
        finally:
            self._requests -= 1
