"""A `python run` cell in plain mode: shown, run in the lesson's kernel namespace at enter."""

from __future__ import annotations

from typing import Any

from tutor.content.model import Code
from tutor.i18n import t
from tutor.kernel import protocol as P
from tutor.plain.blocks import Blocks
from tutor.safe_text import visible


class Cells(Blocks):
    async def cell(self, block: Code) -> None:
        saved = self.s.progress(self.s.store.load_cell, self.key, block.cell_id)
        code = saved if saved is not None else block.source
        if saved is not None:
            self.s.say("plain.cell.saved", "muted")
        self.s.code(Code("static", code, block.where))
        while True:
            command, line = await self.s.ask(t("plain.prompt.cell", self.lang), ("skip",))
            if command == "skip":
                return
            if not line.strip():
                break
            self.s.say("plain.cell.enter", "warn", line=visible(line.strip()))

        async def run() -> None:
            await self.run_cell(block, code)

        self.s.last_run = run
        await run()

    async def run_cell(self, block: Code, code: str) -> None:
        out = self.s.console
        wrote: list[str] = []  # everything printed, to end it with a line end and to know if any

        def on_event(event: Any) -> None:
            if isinstance(event, P.Stream):
                text = visible(event.text)
                wrote.append(text)
                out.write(out.style(text, "wrong") if event.name == "stderr" else text, end="")
            elif isinstance(event, P.Result):
                wrote.append(event.text + "\n")
                out.write(visible(event.text))
            elif isinstance(event, P.Error):
                wrote.append(event.traceback.rstrip("\n") + "\n")
                out.write(out.style(visible(event.traceback.rstrip("\n")), "wrong"))
            elif isinstance(event, P.Done) and event.status == "interrupted":
                self.s.say("kernel.interrupted", "warn")
            elif isinstance(event, P.KernelDied):
                self.s.say("kernel.died", "wrong", reason=visible(event.reason))

        request = self.s.kernel.execute(code, cell_id=block.cell_id, namespace=self.lesson.id)
        last = await self.s.run(request, on_event)
        if wrote and not "".join(wrote).endswith("\n"):
            out.write("")
        if not wrote and isinstance(last, P.Done) and last.status == "ok":
            self.s.say("cell.no_output", "muted")
