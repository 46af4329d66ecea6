"""Learner code that attacks the kernel, shared by tests/test_kernel_faults.py and bench/faults.py."""

# 50 forked children that sleep, one that loops, and a subprocess: their pids, printed.
SPAWN = """\
import os, subprocess, time
pids = []
for _ in range(50):
    pid = os.fork()
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    pids.append(pid)
pid = os.fork()
if pid == 0:
    while True:
        pass
pids.append(pid)
pids.append(subprocess.Popen(['sleep', '60']).pid)
print(*pids, flush=True)
"""


def app_under_fault(ready_within: float) -> str:
    """A stand-in for the app: starts a kernel, runs argv[1] in it, prints the kernel's pid and
    the pids the code printed, then waits (to be SIGKILLed by the caller)."""
    return f"""\
import asyncio, sys
from tutor.kernel.client import KernelClient
async def main():
    client = KernelClient()
    await client.wait_ready({ready_within})
    events = await client.execute(sys.argv[1]).wait()
    pids = "".join(e.text for e in events if getattr(e, "name", "") == "stdout").split()
    print(client.pid, *pids, flush=True)
    await asyncio.sleep(120)
asyncio.run(main())
"""
