"""The app's side of the learner's kernel: one place that starts it, runs requests, interrupts.

Widgets never talk to the kernel client directly: they hand a request to `KernelHost.run`, get
its events one by one, and the host turns a kernel death into a plain message and a fresh kernel.
The app stays up whatever the learner's code does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.app import App

from tutor.i18n import t
from tutor.kernel.client import KernelClient, KernelOptions
from tutor.kernel.protocol import KernelDied

STATUS_KEYS = {
    "starting": "kernel.starting",
    "loading": "kernel.loading",
    "ready": "kernel.ready",
    "busy": "kernel.busy",
    "restarting": "kernel.restarting",
    "dead": "kernel.dead",
}


class KernelHost:
    def __init__(self, app: App, options: KernelOptions, *, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled
        self.client = KernelClient(options, on_status=self._on_status)
        self.status = "starting"
        self.listeners: list[Callable[[str], None]] = []

    async def start(self) -> None:
        if self.enabled:
            await self.client.start()

    def _on_status(self, status: str, detail: str = "") -> None:
        # torch is still loading until the kernel says it is ready
        self.status = "loading" if status == "starting" else status
        for listener in list(self.listeners):
            listener(self.status)

    def status_text(self) -> str:
        return t(STATUS_KEYS.get(self.status, "kernel.starting"), self.app.lang)

    @property
    def ready(self) -> bool:
        return self.client.ready

    async def run(self, request, on_event: Callable[[object], Awaitable[None] | None]) -> object:
        """Feed every event of `request` to `on_event`; return the last (Done or KernelDied)."""
        last = None
        async for event in request:
            last = event
            result = on_event(event)
            if result is not None:
                await result
            if isinstance(event, KernelDied):
                self.app.notify(
                    t("kernel.died", self.app.lang, reason=event.reason),
                    severity="warning",
                    timeout=8,
                )
        return last

    async def interrupt(self) -> str | None:
        """Interrupt whatever runs; None when nothing was running."""
        outcome = await self.client.interrupt()
        return None if outcome == "idle" else outcome

    async def shutdown(self) -> None:
        await self.client.shutdown()
