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
