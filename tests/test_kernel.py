"""The kernel through its client, as the app drives it: cells, experiments, checks, and every way
learner code can misbehave (endless loops, swallowed interrupts, long C calls, exits, segfaults,
memory bombs, writes to fd 1/2). One kernel serves the module; tests that kill it see it restarted.

Stand-in experiments (added to the real registry through TUTOR_KERNEL_EXPERIMENTS) give runs of a
set length and an experiment that never consults should_stop; everything else uses the real core
and practice checks.
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
import pytest_asyncio

from tutor.kernel import protocol as P
from tutor.kernel.client import KernelClient, KernelOptions

pytestmark = pytest.mark.asyncio(loop_scope="module")

MEMORY = 1 << 30
GRACE = 1.0

STANDINS = '''
import math
import time


def steps(*, seed=0, on_point=None, should_stop=None, impl=None, duration=3.0, every=0.001,
          curves=("loss",), scale=1.0, nan_at=0):
    """One point per curve every `every` s for `duration` s; y = scale / step (NaN at nan_at)."""
    out = {label: {"x": [], "y": []} for label in curves}
    start, step, cancelled = time.monotonic(), 0, False
    while time.monotonic() - start < duration:
        if should_stop is not None and should_stop():
            cancelled = True
            break
        step += 1
        for label in curves:
            y = math.nan if step == nan_at else scale / step
            out[label]["x"].append(step)
            out[label]["y"].append(None if math.isnan(y) else y)
            on_point(label, step, y)
        time.sleep(every)
    return {"curves": out, "xlabel": "step", "ylabel": "y", "log_y": True,
            "diverged": {label: None for label in curves}, "facts": {"steps": step},
            "cancelled": cancelled}


def stubborn(*, seed=0, on_point=None, should_stop=None, impl=None):
    """Stuck in a loop that never asks should_stop (as a learner's endless data_iter would be)."""
    on_point("loss", 1, 1.0)
    while True:
        pass


EXPERIMENTS = {"steps": steps, "stubborn": stubborn}
'''

BOOK_SQUARED_LOSS = """\
def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
"""


@pytest.fixture(scope="module")
def standins(tmp_path_factory):
    path = tmp_path_factory.mktemp("kernel") / "standins.py"
    path.write_text(STANDINS)
    return path


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def kernel(standins):
    client = KernelClient(KernelOptions(memory_bytes=MEMORY, interrupt_grace=GRACE,
                                        env={"TUTOR_KERNEL_EXPERIMENTS": f"{standins}:EXPERIMENTS"}))
    await client.start()
    await client.wait_ready(60)
    yield client
    await client.shutdown()


async def events_of(request, timeout=60):
    return await asyncio.wait_for(request.wait(), timeout)


async def first(request, kind, timeout=30):
    """Read events until one of `kind` (the request keeps the rest for later)."""
    async def read():
        async for event in request:
            if isinstance(event, kind):
                return event
            assert not isinstance(event, P.TERMINAL), f"ended before {kind.__name__}: {event}"
    return await asyncio.wait_for(read(), timeout)


def only(events, kind):
    found = [e for e in events if isinstance(e, kind)]
    assert len(found) == 1, events
    return found[0]


def text(events, name="stdout"):
    return "".join(e.text for e in events if isinstance(e, P.Stream) and e.name == name)


async def value(kernel, code, namespace=""):
    events = await events_of(kernel.execute(code, namespace=namespace))
    assert events[-1] == P.Done("ok"), events
    return only(events, P.Result).text


def streamed(events):
    """The Points events concatenated per label, as the UI plots them."""
    series = {}
    for event in events:
        if isinstance(event, P.Points):
            for label, points in event.series.items():
                series.setdefault(label, []).extend(points)
    return series


def as_points(result):
    """The curves of an experiment's Done.result, as the Points events carry them."""
    return {c.label: [list(p) for p in zip(c.x, c.y)] for c in P.ExperimentResult.from_wire(result).curves}


# ------------------------------------------------------------------------ cells


async def test_cell_shows_its_output_then_the_value_of_its_last_expression(kernel):
    events = await events_of(kernel.execute("print('hello')\nx = 6 * 7\nx", cell_id="c1"))
    assert [type(e) for e in events] == [P.Stream, P.Result, P.Done]
    assert text(events) == "hello\n"
    assert events[1].text == "42" and events[2].status == "ok"
    # As in the REPL: a statement or a None value shows nothing; values show their repr.
    assert not [e for e in await events_of(kernel.execute("y = 1")) if isinstance(e, P.Result)]
    assert not [e for e in await events_of(kernel.execute("print('p')")) if isinstance(e, P.Result)]
    assert await value(kernel, "torch.tensor([1.0, 2.0]) * 2") == "tensor([2., 4.])"


async def test_traceback_shows_only_the_learners_lines(kernel):
    code = "def half(n):\n    return n / 0\n\nprint('before')\nhalf(4)\n"
    events = await events_of(kernel.execute(code, cell_id="data-2"))
    assert text(events) == "before\n" and events[-1] == P.Done("error")
    error = only(events, P.Error)
    assert (error.ename, error.evalue) == ("ZeroDivisionError", "division by zero")
    assert '"<cell data-2>", line 5, in <module>\n    half(4)' in error.traceback
    assert '"<cell data-2>", line 2, in half\n    return n / 0' in error.traceback
    assert "tutor/kernel" not in error.traceback and "server" not in error.traceback

    # An error raised deep inside the core or torch points at the learner's line that called it.
    events = await events_of(kernel.execute("w = torch.zeros(3, 1)\nlinreg(features, w, 0.0)", cell_id="m"))
    error = only(events, P.Error)
    assert error.ename == "RuntimeError"
    assert '"<cell m>", line 2, in <module>' in error.traceback
    assert "tutor/scratch" not in error.traceback and "torch/" not in error.traceback

    events = await events_of(kernel.execute("x = (1,\nprint(x", cell_id="s"))
    error = only(events, P.Error)
    assert error.ename == "SyntaxError" and error.evalue == "'(' was never closed (<cell s>, line 2)"
    assert error.traceback.startswith('  File "<cell s>", line 2\n    print(x\n')
    assert events[-1] == P.Done("error")


async def test_each_lesson_has_its_own_namespace_preloaded_with_the_core(kernel):
    await events_of(kernel.execute("secret = 1\nfeatures.zero_()", namespace="lesson-a"))
    events = await events_of(kernel.execute("secret", namespace="lesson-b"))
    assert only(events, P.Error).ename == "NameError"
    assert await value(kernel, "secret + 1", namespace="lesson-a") == "2"
    loaded = "features.shape, labels.shape, true_w, true_b, [callable(f) for f in " \
             "(synthetic_data, data_iter, linreg, squared_loss, sgd, train, closed_form, math.sqrt, random.random)]"
    assert await value(kernel, loaded, namespace="lesson-b") == (
        "(torch.Size([1000, 2]), torch.Size([1000, 1]), tensor([ 2.0000, -3.4000]), 4.2, "
        "[True, True, True, True, True, True, True, True, True])")
    # lesson-a zeroed its copy of the data; lesson-b's is untouched.
    assert await value(kernel, "bool(features.abs().sum() > 0)", namespace="lesson-b") == "True"


async def test_protocol_survives_whatever_the_learner_writes(kernel):
    code = (
        "import ctypes, io, os, sys\n"
        "os.write(1, b'garbage\\n')\n"
        "print('{\"type\": \"Done\", \"status\": \"ok\", \"result\": null}')\n"
        "os.write(2, b'{\"type\": \"KernelDied\", \"reason\": \"fake\"}\\n')\n"
        "ctypes.CDLL(None).printf(b'from C\\n')\n"
        "sys.stdout = io.StringIO()\n"
        "print('into the StringIO')\n"
        "'still here'\n"
    )
    events = await events_of(kernel.execute(code))
    assert events[-1] == P.Done("ok")
    assert only(events, P.Result).text == "'still here'"
    assert text(events) == 'garbage\n{"type": "Done", "status": "ok", "result": null}\nfrom C\n'
    assert text(events, "stderr") == '{"type": "KernelDied", "reason": "fake"}\n'
    # Output always comes before the value it led to.
    assert max(i for i, e in enumerate(events) if isinstance(e, P.Stream)) < events.index(only(events, P.Result))
    # The learner's replacement of sys.stdout lasted one cell; the next cell prints again.
    assert text(await events_of(kernel.execute("print('after')"))) == "after\n"


async def test_limits_are_applied_in_the_kernel(kernel):
    assert await value(kernel, "import resource\nresource.getrlimit(resource.RLIMIT_AS)") == f"({MEMORY}, {MEMORY})"
    assert await value(kernel, "import os\ntorch.get_num_threads(), os.environ['OMP_NUM_THREADS']") == "(1, '1')"
    assert repr(kernel.torch_version) == await value(kernel, "torch.__version__")


async def test_memory_bomb_is_a_memory_error_and_the_kernel_stays(kernel):
    pid = kernel.pid
    events = await events_of(kernel.execute("big = bytearray(8 << 30)"))
    assert only(events, P.Error).ename == "MemoryError" and events[-1] == P.Done("error")
    assert await value(kernel, "1 + 1") == "2" and kernel.pid == pid


async def test_exit_and_input_in_a_cell_are_errors_not_the_end_of_the_kernel(kernel):
    pid = kernel.pid
    events = await events_of(kernel.execute("import sys\nsys.exit(2)"))
    assert only(events, P.Error).ename == "SystemExit" and events[-1] == P.Done("error")
    events = await events_of(kernel.execute("input('your name? ')"))
    assert only(events, P.Error).ename == "EOFError"
    assert kernel.pid == pid


# ------------------------------------------------------------------------ interrupts and deaths


async def test_endless_loop_is_interrupted_and_the_kernel_stays_warm(kernel):
    pid = kernel.pid
    await events_of(kernel.execute("counter = 41", namespace="loop"))
    request = kernel.execute("print('looping', flush=True)\nwhile True:\n    pass", cell_id="l", namespace="loop")
    await first(request, P.Stream)
    started = time.monotonic()
    assert await kernel.interrupt() == "interrupted"
    assert time.monotonic() - started < 2.0
    events = await events_of(request)
    assert events[-1] == P.Done("interrupted")
    assert only(events, P.Error).ename == "KeyboardInterrupt" and '"<cell l>"' in events[0].traceback
    assert await value(kernel, "counter + 1", namespace="loop") == "42"
    assert kernel.pid == pid


async def restarted_by_interrupt(kernel, code):
    """Run code that prints, then cannot be interrupted; return the request's remaining events."""
    pid = kernel.pid
    request = kernel.execute(code)
    await first(request, P.Stream)
    await asyncio.sleep(1.0)  # well inside the call, even on a loaded machine
    started = time.monotonic()
    assert await kernel.interrupt() == "restarted"
    assert time.monotonic() - started < GRACE + 1.0
    events = await events_of(request)
    assert await value(kernel, "1 + 1") == "2"
    assert kernel.pid not in (None, pid)
    return events


async def test_learner_who_swallows_the_interrupt_is_stopped_by_a_restart(kernel):
    code = ("import time\nprint('stubborn', flush=True)\nwhile True:\n    try:\n        time.sleep(0.05)\n"
            "    except KeyboardInterrupt:\n        pass\n")
    events = await restarted_by_interrupt(kernel, code)
    assert events[-1] == P.KernelDied(f"the kernel did not stop within {GRACE:g} s of the interrupt; it was restarted")


async def test_long_c_level_call_is_stopped_by_a_restart(kernel):
    code = "print('computing', flush=True)\ntorch.linalg.eigvals(torch.randn(3000, 3000))"
    events = await restarted_by_interrupt(kernel, code)
    assert isinstance(events[-1], P.KernelDied) and "restarted" in events[-1].reason


@pytest.mark.parametrize("code, reason", [
    ("import os\nprint('last words', flush=True)\nos._exit(3)", "the kernel exited with status 3; it was restarted"),
    ("import os, signal\nprint('last words', flush=True)\nos.kill(os.getpid(), signal.SIGSEGV)",
     "the kernel was killed by signal SIGSEGV; it was restarted"),
])
async def test_kernel_death_is_reported_in_plain_words_and_the_kernel_restarted(kernel, code, reason):
    pid = kernel.pid
    events = await events_of(kernel.execute(code))
    assert text(events) == "last words\n"  # what it printed before dying is kept
    assert events[-1] == P.KernelDied(reason)
    assert await value(kernel, "features.shape") == "torch.Size([1000, 2])"
    assert kernel.pid not in (None, pid)


# ------------------------------------------------------------------------ experiments


async def test_points_come_about_ten_a_second_and_add_up_to_the_curves(kernel):
    started = time.monotonic()
    events = await events_of(kernel.experiment("steps", {"duration": 3.0, "nan_at": 5}))
    elapsed = time.monotonic() - started
    done = events[-1]
    assert done.status == "ok"
    points = [e for e in events if isinstance(e, P.Points)]
    assert 10 <= len(points) <= 10 * elapsed + 2, (len(points), elapsed)
    assert streamed(events) == as_points(done.result)
    assert streamed(events)["loss"][4] == [5, None]  # a non-finite loss arrives as None
    assert len(streamed(events)["loss"]) > 500  # every point, not a thinned sample


async def test_sweep_labels_each_curve_with_its_value(kernel):
    events = await events_of(kernel.experiment("steps", {"duration": 0.2}, sweep={"scale": [1, 2]}))
    result = P.ExperimentResult.from_wire(events[-1].result)
    curves = {c.label: c for c in result.curves}
    assert set(curves) == {"scale=1", "scale=2"}
    assert streamed(events) == as_points(events[-1].result)
    assert curves["scale=2"].y[:2] == [2.0, 1.0]
    assert [(run.label, run.swept) for run in result.runs] == [("scale=1", 1), ("scale=2", 2)]
    assert result.facts["scale=1 steps"] == len(curves["scale=1"].x)

    events = await events_of(kernel.experiment("steps", {"duration": 0.1, "curves": ["a", "b"]},
                                               sweep={"scale": [1, 2]}))
    labels = [c.label for c in P.ExperimentResult.from_wire(events[-1].result).curves]
    assert labels == ["scale=1 a", "scale=1 b", "scale=2 a", "scale=2 b"]


async def test_interrupted_experiment_stops_through_should_stop(kernel):
    pid = kernel.pid
    request = kernel.experiment("steps", {"duration": 60.0})
    await first(request, P.Points)
    started = time.monotonic()
    assert await kernel.interrupt() == "interrupted"
    assert time.monotonic() - started < 0.5
    events = await events_of(request)
    done = events[-1]
    assert done.status == "interrupted" and P.ExperimentResult.from_wire(done.result).interrupted
    assert kernel.pid == pid


async def test_experiment_that_ignores_should_stop_is_interrupted_anyway(kernel):
    pid = kernel.pid
    request = kernel.experiment("stubborn", {})
    await first(request, P.Points)
    assert await kernel.interrupt() == "interrupted"
    assert (await events_of(request))[-1] == P.Done("interrupted")
    assert kernel.pid == pid


async def test_train_streams_exactly_its_curves_on_the_lessons_data(kernel):
    events = await events_of(kernel.experiment("train", {}, seed=0))
    done = events[-1]
    assert done.status == "ok"
    assert streamed(events) == as_points(done.result)
    assert len(streamed(events)["loss"]) == 300  # 3 epochs of 100 minibatches
    again = await events_of(kernel.experiment("train", {}, seed=0))
    assert again[-1].result["curves"] == done.result["curves"]
    # The data a cell sees is the data the experiment trained on (seed 0, 1000 samples).
    in_cell = float(await value(kernel, "closed_form(features, labels)[2]"))
    assert in_cell == P.ExperimentResult.from_wire(done.result).facts["closed_form_loss"]


async def test_compare_runs_the_core_then_the_learners_function(kernel):
    impl = {"tutor.scratch.model.squared_loss": BOOK_SQUARED_LOSS}
    events = await events_of(kernel.experiment("train", {"num_epochs": 1}, seed=2, impl=impl, compare=True))
    result = P.ExperimentResult.from_wire(events[-1].result)
    assert events[-1].status == "ok"
    assert [c.label for c in result.curves] == ["core", "yours"]
    assert streamed(events) == as_points(events[-1].result)
    labels_in_order = [label for e in events if isinstance(e, P.Points) for label in e.series]
    assert labels_in_order.index("yours") > max(i for i, l in enumerate(labels_in_order) if l == "core")
    # The book's squared_loss, written by the learner, trains exactly as the core's.
    (core, yours), = result.pairs()
    assert (core.x, core.y) == (yours.x, yours.y)


async def test_error_in_the_learners_function_points_at_their_line(kernel):
    impl = {"tutor.scratch.model.squared_loss": "def squared_loss(y_hat, y):\n    return y_hat.nope\n"}
    events = await events_of(kernel.experiment("train", {}, impl=impl))
    error = only(events, P.Error)
    assert error.ename == "AttributeError" and events[-1] == P.Done("error")
    assert '"your_code.py", line 2, in squared_loss\n    return y_hat.nope' in error.traceback
    assert "tutor/" not in error.traceback


# ------------------------------------------------------------------------ checks


async def test_check_of_the_learners_function(kernel):
    events = await events_of(kernel.check("tutor.scratch.model.squared_loss", BOOK_SQUARED_LOSS))
    verdict = only(events, P.CheckResult)
    assert verdict.passed and events[-1] == P.Done("ok", {"passed": True, "message": verdict.message,
                                                           "case": verdict.case, "line": verdict.line})
    wrong = "def squared_loss(y_hat, y):\n    return (y_hat - y) ** 2 / 2\n"
    verdict = only(await events_of(kernel.check("tutor.scratch.model.squared_loss", wrong)), P.CheckResult)
    assert not verdict.passed and "(10, 10)" in verdict.message


async def test_endless_loop_in_a_check_fails_it_and_the_kernel_stays_warm(kernel):
    pid = kernel.pid
    endless = "def squared_loss(y_hat, y):\n    while True:\n        pass\n"
    started = time.monotonic()
    events = await events_of(kernel.check("tutor.scratch.model.squared_loss", endless, timeout=1.0))
    assert time.monotonic() - started < 2.0
    verdict = only(events, P.CheckResult)
    assert not verdict.passed and verdict.message == "your code did not finish within 1 s"
    assert verdict.line in (2, 3) and events[-1].status == "ok"
    assert kernel.pid == pid


async def test_check_that_swallows_its_time_limit_ends_by_a_restart(kernel):
    pid = kernel.pid
    # A bare except catches the kernel's own time-limit exception too: only a restart ends it.
    defiant = ("import time\n\ndef squared_loss(y_hat, y):\n    while True:\n        try:\n"
               "            time.sleep(0.01)\n        except:\n            pass\n")
    events = await events_of(kernel.check("tutor.scratch.model.squared_loss", defiant, timeout=1.0))
    assert events[-1] == P.KernelDied("the check did not finish within 1 s; it was restarted")
    assert await value(kernel, "2 + 2") == "4" and kernel.pid != pid


# ------------------------------------------------------------------------ life cycle


async def test_requests_wait_for_torch_and_shutdown_leaves_no_process():
    statuses = []
    client = KernelClient(KernelOptions(), on_status=lambda status, detail: statuses.append(status))
    await client.start()
    assert not client.ready and statuses == ["starting"]
    cancelled = client.execute("print('never')")
    waiting = client.execute("import torch\ntorch.__version__")
    assert await client.interrupt() == "interrupted"  # a request still waiting for torch is dropped
    assert await events_of(cancelled) == [P.Done("interrupted")]
    events = await events_of(waiting)
    assert only(events, P.Result).text == repr(client.torch_version)
    assert statuses[:3] == ["starting", "ready", "busy"]
    pid = client.pid
    await client.shutdown()
    assert client.pid is None and client.status == "dead"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert isinstance((await events_of(client.execute("1")))[-1], P.KernelDied)


async def test_restart_gives_a_fresh_kernel(kernel):
    pid = kernel.pid
    await events_of(kernel.execute("forgotten = 1", namespace="r"))
    await kernel.restart()
    events = await events_of(kernel.execute("forgotten", namespace="r"))
    assert only(events, P.Error).ename == "NameError"
    assert kernel.pid not in (None, pid)


def gone(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return "\nState:\tZ" in status.read()  # a zombie waiting for init to reap it
    except FileNotFoundError:
        return True


async def test_busy_kernel_exits_when_the_app_dies_without_shutting_it_down():
    app = (
        "import asyncio\n"
        "from tutor.kernel.client import KernelClient\n"
        "async def main():\n"
        "    client = KernelClient()\n"
        "    await client.wait_ready(60)\n"
        "    running = client.execute('print(1, flush=True)\\nwhile True: pass')\n"
        "    await running.__anext__()\n"
        "    print(client.pid, flush=True)\n"
        "    await asyncio.sleep(60)\n"
        "asyncio.run(main())\n"
    )
    root = Path(__file__).resolve().parents[1]
    process = subprocess.Popen([sys.executable, "-c", app], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        kernel_pid = int(await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 60))
        assert not gone(kernel_pid)
        process.send_signal(signal.SIGKILL)  # the app crashes mid-cell: no shutdown, no cleanup
        process.wait()
        deadline = time.monotonic() + 5
        while not gone(kernel_pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert gone(kernel_pid)
    finally:
        process.kill()
        process.wait()


async def test_the_kernel_runs_below_the_apps_cpu_priority():
    """A class's kernels training at once must not make anyone's typing wait (bench/class.py)."""
    client = KernelClient(KernelOptions())
    try:
        await client.wait_ready(90)
        own = os.nice(0)
        events = [event async for event in client.execute("import os\nos.nice(0)", namespace="nice")]
        results = [event.text for event in events if isinstance(event, P.Result)]
        assert results == [str(own + 10)]
    finally:
        await client.shutdown()
