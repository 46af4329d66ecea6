"""Faults: what learner code can do to the kernel, what the learner is told, how long recovery takes.

Each fault runs on a real kernel through `tutor.kernel.client` (as the app drives it; a fresh
kernel for each, memory limit 1 GiB). "Recovered" is the time from the end of the fault (the
interrupt, the kill, the end of the cell) until a new cell `1 + 1` answers `2`: with a restart it
includes importing torch again. "Gone" is the time until every process the fault started has
ended. Prints one Markdown table row per fault (the table in bench/README.md).

    .venv/bin/python bench/faults.py
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fault_code import SPAWN, app_under_fault  # noqa: E402
from tutor.kernel import protocol as P  # noqa: E402
from tutor.kernel.client import KernelClient, KernelOptions  # noqa: E402
from tutor.safe_text import visible  # noqa: E402

MEMORY = 1 << 30


FORGE = """\
import os, sys, time
events = int(sys.argv[sys.argv.index('--events') + 1])
os.write(events, b'{"type": "Done", "status": "ok", "result": null}\\n')
time.sleep(0.2)
'the real end'
"""

PRINTER = """\
import threading, time
def chatter():
    while True:
        print('chatter', flush=True)
        time.sleep(0.001)
threading.Thread(target=chatter, daemon=True).start()
"""



def gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "\nState:\tZ" in status.read()
    except FileNotFoundError:
        return True


async def until_gone(pids: list[int], limit: float = 30.0) -> float:
    started = time.monotonic()
    while any(not gone(pid) for pid in pids) and time.monotonic() - started < limit:
        await asyncio.sleep(0.01)
    for pid in pids:  # leave nothing behind if the tutor did not end it
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return time.monotonic() - started


async def answers(client: KernelClient) -> float:
    """Seconds until a new cell answers (from now)."""
    started = time.monotonic()
    events = await asyncio.wait_for(client.execute("1 + 1").wait(), 120)
    assert [e.text for e in events if isinstance(e, P.Result)] == ["2"], events
    return time.monotonic() - started


def seen(events: list) -> str:
    """What the learner is shown at the end of a request, in short."""
    last = events[-1]
    errors = [e for e in events if isinstance(e, P.Error)]
    if isinstance(last, P.KernelDied):
        return f"“{last.reason}”"
    if errors:
        return f"{errors[-1].ename} in the cell"
    return f"Done({last.status})"


Row = tuple[str, str, str]


async def fault_interrupt(client: KernelClient, code: str) -> Row:
    request = client.execute("print('go', flush=True)\n" + code)
    async for event in request:
        if isinstance(event, P.Stream):
            break
    await asyncio.sleep(1.0)  # well inside the loop or the C call
    started = time.monotonic()
    outcome = await client.interrupt()
    events = await request.wait()
    stopped = time.monotonic() - started
    return f"{outcome} after {stopped:.2f} s; {seen(events)}", f"{stopped + await answers(client):.2f}", ""


async def fault_cell(client: KernelClient, code: str) -> Row:
    events = await client.execute(code).wait()
    return seen(events), f"{await answers(client):.2f}", ""


async def fault_flood(client: KernelClient) -> Row:
    started = time.monotonic()
    events = await client.execute("for i in range(200_000):\n    print(i)").wait()
    elapsed = time.monotonic() - started
    text = "".join(e.text for e in events if isinstance(e, P.Stream))
    made_visible = time.monotonic()
    visible(text)
    visible_ms = (time.monotonic() - made_visible) * 1000
    return (f"{len(text) / 1e6:.1f} MB of output in {elapsed:.2f} s; {seen(events)}; "
            f"visible() on all of it {visible_ms:.1f} ms", f"{await answers(client):.2f}", "")


async def fault_children(client: KernelClient, end: Callable[[KernelClient], Awaitable[None]]) -> Row:
    events = await client.execute(SPAWN).wait()
    pids = [int(word) for word in "".join(e.text for e in events if isinstance(e, P.Stream)).split()]
    started = time.monotonic()
    await end(client)
    gone_after = await until_gone(pids)
    return f"{len(pids)} processes", "", f"{gone_after:.2f} ({time.monotonic() - started:.2f} with the end itself)"


async def fault_forged(client: KernelClient) -> Row:
    events = await client.execute(FORGE).wait()
    results = [e.text for e in events if isinstance(e, P.Result)]
    return f"the cell ends with its own value {results}, not at the forged line", f"{await answers(client):.2f}", ""


async def fault_fork(client: KernelClient) -> Row:
    await client.execute("import os\nchild = os.fork()\n'parent' if child else 'child'").wait()
    shown = []
    for n in range(3):
        events = await client.execute(f"{n}").wait()
        shown += [e.text for e in events if isinstance(e, P.Result)]
    return f"later cells show {shown} (each its own)", f"{await answers(client):.2f}", ""


async def fault_sigkill_idle(client: KernelClient, statuses: list[tuple[str, str]]) -> Row:
    started = time.monotonic()
    os.kill(client.pid or 0, signal.SIGKILL)
    while not any(s == "restarting" for s, _ in statuses):
        await asyncio.sleep(0.01)
    told = time.monotonic() - started
    detail = next(d for s, d in statuses if s == "restarting")
    return f"told after {told:.2f} s: “{detail}”", f"{time.monotonic() - started + await answers(client):.2f}", ""


async def fault_printer(client: KernelClient) -> Row:
    await client.execute(PRINTER).wait()
    await asyncio.sleep(0.5)
    cpu, wall = time.process_time(), time.monotonic()
    await asyncio.sleep(3.0)  # the client reads the chatter, kept for the next request
    cpu_per_s = (time.process_time() - cpu) / (time.monotonic() - wall)
    started = time.monotonic()
    await client.restart()
    recovered = time.monotonic() - started + await answers(client)
    return (f"before the restart, reading the chatter costs the app {cpu_per_s:.3f} CPU-s/s; "
            "restart: the chatter stops, variables gone"), f"{recovered:.2f}", ""


async def fault_idle(statuses: list[tuple[str, str]]) -> Row:
    client = KernelClient(KernelOptions(memory_bytes=MEMORY, idle_timeout=1.0),
                          on_status=lambda s, d: statuses.append((s, d)))
    await client.wait_ready(120)
    pid = client.pid or 0
    started = time.monotonic()
    while client.status != "stopped":
        await asyncio.sleep(0.01)
    await until_gone([pid])
    stopped = time.monotonic() - started
    recovered = await answers(client)
    await client.shutdown()
    return f"stopped {stopped:.2f} s after the last request: “{client.last_death}”", f"{recovered:.2f} (on demand)", ""


async def fault_app_killed() -> Row:
    app = await asyncio.create_subprocess_exec(sys.executable, "-c", app_under_fault(ready_within=120), SPAWN,
                                               cwd=ROOT,
                                               stdout=asyncio.subprocess.PIPE)
    line = await asyncio.wait_for(app.stdout.readline(), 120)  # type: ignore[union-attr]
    pids = [int(word) for word in line.split()]
    app.kill()
    await app.wait()
    return f"kernel and {len(pids) - 1} processes", "", f"{await until_gone(pids):.2f}"


async def shutdown(client: KernelClient) -> None:
    await client.shutdown()


async def restart(client: KernelClient) -> None:
    await client.restart()


async def sigkill(client: KernelClient) -> None:
    os.kill(client.pid or 0, signal.SIGKILL)


async def main() -> None:
    faults: list[tuple[str, Callable[[KernelClient, list[tuple[str, str]]], Awaitable[Row]]]] = [
        ("infinite loop, ctrl+c", lambda c, s: fault_interrupt(c, "while True:\n    pass")),
        ("long C call (eigvals 3000x3000), ctrl+c", lambda c, s: fault_interrupt(
            c, "torch.linalg.eigvals(torch.randn(3000, 3000))")),
        ("`os._exit(3)`", lambda c, s: fault_cell(c, "import os\nos._exit(3)")),
        ("segfault", lambda c, s: fault_cell(c, "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)")),
        ("memory bomb `bytearray(8 << 30)`", lambda c, s: fault_cell(c, "big = bytearray(8 << 30)")),
        ("output flood (200,000 lines)", lambda c, s: fault_flood(c)),
        ("50 fork children + a looping child + `Popen(['sleep', '60'])`, quit",
         lambda c, s: fault_children(c, shutdown)),
        ("the same, kernel restart", lambda c, s: fault_children(c, restart)),
        ("the same, SIGKILL of the kernel", lambda c, s: fault_children(c, sigkill)),
        ("`os.fork()` without exit", lambda c, s: fault_fork(c)),
        ("forged Done line on the event pipe", lambda c, s: fault_forged(c)),
        ("SIGKILL of the idle kernel from outside", fault_sigkill_idle),
        ("thread printing forever, restart", lambda c, s: fault_printer(c)),
    ]
    print("| fault | what the learner sees | recovered (s) | started processes gone (s) |")
    print("| --- | --- | --- | --- |")
    for name, run in faults:
        statuses: list[tuple[str, str]] = []
        client = KernelClient(KernelOptions(memory_bytes=MEMORY, interrupt_grace=2.0),
                              on_status=lambda s, d, statuses=statuses: statuses.append((s, d)))
        await client.wait_ready(120)
        try:
            seen_text, recovered, gone_after = await run(client, statuses)
        finally:
            await client.shutdown()
        print(f"| {name} | {seen_text} | {recovered} | {gone_after} |", flush=True)
    seen_text, _, gone_after = await fault_app_killed()
    print(f"| SIGKILL of the app, children as above | {seen_text} | | {gone_after} |", flush=True)
    seen_text, recovered, _ = await fault_idle([])
    print(f"| kernel idle for `idle_timeout` (1 s here, 600 by default) | {seen_text} | {recovered} | |", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
