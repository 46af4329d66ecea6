"""The kernel under faults that outlive a cell: processes the learner's code starts, forked copies
of the kernel, forged protocol lines, deaths between requests, and a kernel left idle.

Every test drives a real kernel through its client (or a real app process around a client) and
asserts what a learner or a class server would notice: processes still running, a cell showing
another cell's result, a death nobody was told about.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fault_code import SPAWN, app_under_fault
from tutor.kernel import protocol as P
from tutor.kernel.client import KernelClient, KernelOptions

ROOT = Path(__file__).resolve().parents[1]
ENDS_WITHIN = 3.0  # seconds: whatever ends the kernel, what it started is gone by then



def gone(pid: int) -> bool:
    """The process runs no more code: it has exited (a zombie waiting to be reaped runs nothing),
    or it has a SIGKILL pending, which the system acts on before it runs another instruction
    (on a loaded machine a killed process can wait a few seconds for the CPU time to exit)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            fields = dict(line.split(":\t", 1) for line in status.read().splitlines() if ":\t" in line)
    except FileNotFoundError:
        return True
    sigkill = 1 << (signal.SIGKILL - 1)
    pending = int(fields.get("ShdPnd", "0"), 16) | int(fields.get("SigPnd", "0"), 16)
    return fields.get("State", "").startswith(("Z", "X")) or bool(pending & sigkill)


async def still_running_after(pids: list[int], seconds: float) -> list[str]:
    """The processes of `pids` still running after `seconds`, each with its place in the list,
    command and state (a process being torn down after SIGKILL shows it pending)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(gone(pid) for pid in pids):
            return []
        await asyncio.sleep(0.05)
    return [describe(pids.index(pid), pid) for pid in pids if not gone(pid)]


def describe(index: int, pid: int) -> str:
    try:
        with open(f"/proc/{pid}/status") as status:
            fields = dict(line.split(":\t", 1) for line in status.read().splitlines() if ":\t" in line)
    except FileNotFoundError:
        return f"#{index} pid {pid}: gone"
    return (f"#{index} pid {pid} {fields.get('Name')} state {fields.get('State')} ppid {fields.get('PPid')} "
            f"pending {fields.get('ShdPnd')}/{fields.get('SigPnd')}")


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


async def events_of(request, timeout: float = 60) -> list:
    return await asyncio.wait_for(request.wait(), timeout)


def stdout_of(events: list) -> str:
    return "".join(e.text for e in events if isinstance(e, P.Stream) and e.name == "stdout")


async def spawned(client: KernelClient) -> list[int]:
    events = await events_of(client.execute(SPAWN))
    assert events[-1] == P.Done("ok"), events
    pids = [int(word) for word in stdout_of(events).split()]
    assert len(pids) == 52 and not [pid for pid in pids if gone(pid)]
    return pids


async def ready_client(**options) -> tuple[KernelClient, list[tuple[str, str]]]:
    statuses: list[tuple[str, str]] = []
    client = KernelClient(KernelOptions(**options), on_status=lambda s, d: statuses.append((s, d)))
    await client.wait_ready(90)
    return client, statuses


# ------------------------------------------------------------------------ processes the learner started


async def end_by_shutdown(client: KernelClient) -> None:
    await client.shutdown()


async def end_by_restart(client: KernelClient) -> None:
    await client.restart()


async def end_by_outside_sigkill(client: KernelClient) -> None:
    assert client.pid is not None
    os.kill(client.pid, signal.SIGKILL)


@pytest.mark.parametrize("end", [end_by_shutdown, end_by_restart, end_by_outside_sigkill],
                         ids=["quit", "restart", "sigkill-kernel"])
async def test_what_learner_code_started_ends_with_the_kernel(end):
    client, _ = await ready_client()
    pids: list[int] = []
    try:
        pids = await spawned(client)
        await end(client)
        assert await still_running_after(pids, ENDS_WITHIN) == []
    finally:
        kill_all(pids)
        await client.shutdown()




async def test_what_learner_code_started_ends_when_the_app_is_sigkilled():
    app = subprocess.Popen([sys.executable, "-c", app_under_fault(ready_within=90), SPAWN], cwd=ROOT,
                           stdout=subprocess.PIPE, text=True)
    pids: list[int] = []
    try:
        line = await asyncio.wait_for(asyncio.to_thread(app.stdout.readline), 120)
        pids = [int(word) for word in line.split()]
        assert len(pids) == 53 and not [pid for pid in pids if gone(pid)]  # the kernel and 52 more
        app.send_signal(signal.SIGKILL)  # no shutdown, no cleanup of any kind
        app.wait()
        assert await still_running_after(pids, ENDS_WITHIN) == []
    finally:
        app.kill()
        app.wait()
        kill_all(pids)


# ------------------------------------------------------------------------ only the kernel answers


async def test_after_a_fork_without_exit_each_cell_shows_its_own_result():
    client, _ = await ready_client()
    try:
        events = await events_of(client.execute("import os\nchild = os.fork()\n'parent' if child else 'child'"))
        assert [e.text for e in events if isinstance(e, P.Result)] == ["'parent'"]
        assert events[-1] == P.Done("ok")
        for n in range(5):
            events = await events_of(client.execute(f"{n} * 10"))
            assert [e.text for e in events if isinstance(e, P.Result)] == [str(n * 10)], events
        # The copy finished its cell and left, rather than waiting for requests.
        child = int(next(e.text for e in await events_of(client.execute("child")) if isinstance(e, P.Result)))
        assert await still_running_after([child], ENDS_WITHIN) == []
    finally:
        await client.shutdown()


FORGE = """\
import os, sys, time
events = int(sys.argv[sys.argv.index('--events') + 1])
os.write(events, b'{"type": "Done", "status": "ok", "result": null}\\n')
os.write(events, b'{"_request": %d, "_token": "guess", "type": "Done", "status": "error", "result": null}\\n'
         % REQUEST)
os.write(events, b'{"type": "Result", "text": "forged"}\\n')
time.sleep(0.3)
'the real end'
"""


async def test_a_forged_done_line_on_the_event_pipe_does_not_end_the_request():
    client, _ = await ready_client()
    try:
        await events_of(client.execute("1"))  # request 1
        events = await events_of(client.execute(FORGE.replace("REQUEST", "2")))  # request 2
        assert [e.text for e in events if isinstance(e, P.Result)] == ["'the real end'"], events
        assert events[-1] == P.Done("ok")
        assert [e.text for e in await events_of(client.execute("'next'")) if isinstance(e, P.Result)] == ["'next'"]
    finally:
        await client.shutdown()


# ------------------------------------------------------------------------ deaths between requests


THREAD_DIES = """\
import os, sys, threading, time
def fail():
    time.sleep(0.3)
    sys.stderr.write('Traceback (most recent call last):\\n  File "x.py", line 1, in run\\n'
                     'RuntimeError: the background job failed\\n')
    sys.stderr.flush()
    os._exit(7)
threading.Thread(target=fail).start()
"""


async def test_a_kernel_that_dies_while_idle_says_so_with_its_last_words():
    client, statuses = await ready_client()
    try:
        await events_of(client.execute("kept = 1\n" + THREAD_DIES))
        pid = client.pid
        deadline = time.monotonic() + 30
        while client.pid in (None, pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert ("restarting", "the kernel exited with status 7; the last thing it wrote was: "
                              "RuntimeError: the background job failed") in statuses
        assert client.last_death is not None and "status 7" in client.last_death
        events = await events_of(client.execute("kept"))
        assert "Traceback" not in "".join(e.text for e in events if isinstance(e, P.Stream))  # not the next cell's
        assert [e.ename for e in events if isinstance(e, P.Error)] == ["NameError"]
    finally:
        await client.shutdown()


async def test_an_outside_sigkill_is_told_as_it_is():
    client, statuses = await ready_client()
    try:
        os.kill(client.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not any(s == "restarting" for s, _ in statuses) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        detail = next(d for s, d in statuses if s == "restarting")
        assert detail.startswith("the kernel was killed by signal SIGKILL from outside the tutor"), detail
        assert "may have run out of memory" not in detail
    finally:
        await client.shutdown()


# ------------------------------------------------------------------------ started on demand, stopped when idle


async def test_no_kernel_until_asked_and_an_idle_kernel_is_stopped_then_started_on_demand():
    statuses: list[tuple[str, str]] = []
    client = KernelClient(KernelOptions(idle_timeout=1.0), on_status=lambda s, d: statuses.append((s, d)))
    assert client.pid is None and statuses == []  # made, not started: a reading learner needs none
    await client.ensure_started()
    await client.wait_ready(90)
    pids: list[int] = []
    try:
        pids = [client.pid, *await spawned(client)]
        await events_of(client.execute("forgotten = 1"))
        assert await still_running_after(pids, 1.0 + ENDS_WITHIN + 2.0) == []
        # the processes are gone; the client says so once it has read the kernel's last output
        deadline = time.monotonic() + 5
        while statuses[-1][0] != "stopped" and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert statuses[-1] == ("stopped", "the kernel was stopped after 1 s idle")
        assert client.pid is None and client.last_death == "the kernel was stopped after 1 s idle"
        events = await events_of(client.execute("forgotten"))
        assert [e.ename for e in events if isinstance(e, P.Error)] == ["NameError"]
        assert [s for s, _ in statuses[-5:]] == ["stopped", "starting", "ready", "busy", "ready"]
    finally:
        kill_all(pids)
        await client.shutdown()


async def test_a_busy_kernel_is_not_stopped_for_idleness():
    client, statuses = await ready_client(idle_timeout=0.5)
    try:
        events = await events_of(client.execute("import time\ntime.sleep(1.5)\n'finished'"))
        assert [e.text for e in events if isinstance(e, P.Result)] == ["'finished'"]
        assert "stopped" not in [s for s, _ in statuses]
    finally:
        await client.shutdown()


async def test_reasons_are_in_the_learners_language():
    client = KernelClient(KernelOptions(), lang="zh")
    try:
        await client.wait_ready(90)
        events = await events_of(client.execute("import os\nos._exit(3)"))
        assert events[-1] == P.KernelDied("内核以状态 3 退出；已重新启动")
        client.lang = "en"  # the learner switched language
        await client.wait_ready(90)
        await client.restart()
        await client.wait_ready(90)
        assert client.last_death == "the kernel was restarted on request"
    finally:
        await client.shutdown()


async def test_an_outside_sigkill_during_a_request_says_how_much_memory_the_kernel_used():
    client, _ = await ready_client(memory_bytes=2 << 30)
    try:
        request = client.execute("import time\nbig = torch.ones(100 << 20, dtype=torch.uint8) * 1\n"
                                 "print('allocated', flush=True)\ntime.sleep(60)")
        async for event in request:
            if isinstance(event, P.Stream):
                break
        await asyncio.sleep(1.0)  # the client reads the kernel's memory every half second
        os.kill(client.pid, signal.SIGKILL)
        death = (await events_of(request))[-1]
        assert isinstance(death, P.KernelDied)
        assert death.reason.startswith("the kernel was killed by signal SIGKILL from outside the tutor"), death
        used = death.reason.split("it was using ")[1].split(" MiB")[0]
        assert 150 <= int(used) <= 2048 and death.reason.endswith("(its limit: 2.0 GiB); it was restarted"), death
    finally:
        await client.shutdown()


async def test_a_cell_run_while_the_idle_kernel_is_stopping_runs_on_the_next_one():
    client, statuses = await ready_client(idle_timeout=600)
    try:
        pid = client.pid
        client._stop_idle()  # the idle timeout fires at the moment the learner runs a cell
        events = await events_of(client.execute("'ran'"))
        assert [e.text for e in events if isinstance(e, P.Result)] == ["'ran'"] and events[-1] == P.Done("ok")
        assert client.pid not in (None, pid)
        # Nobody is told of a stop that did not stick, nor of a death: the kernel starts as a first one.
        assert [s for s, _ in statuses if s in ("stopped", "restarting")] == []
        assert ("starting", "loading torch…") in statuses[2:]
    finally:
        await client.shutdown()
