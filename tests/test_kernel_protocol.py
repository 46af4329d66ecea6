"""The kernel's wire format: every message survives a round trip as one line of JSON."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.kernel import protocol as P

MESSAGES = [
    P.Execute("print('héllo')\n1 + 1", cell_id="data-1", namespace="data"),
    P.RunExperiment("train", {"lr": 0.03}, seed=3, sweep={"lr": [0.01, 0.1]},
                    impl={"tutor.scratch.model.sgd": "def sgd(params, lr, batch_size):\n    ..."}, compare=True),
    P.Check("tutor.scratch.model.linreg", "def linreg(X, w, b):\n    return X @ w + b", timeout=2.5),
    P.Shutdown(),
    P.Ready("2.13.0"),
    P.Stream("stderr", "line one\nline two \u2028 中文\n"),
    P.Result("tensor([1., 2.])"),
    P.Error("ZeroDivisionError", "division by zero", 'Traceback...\n  File "<cell>", line 1\n'),
    P.Points({"lr=0.1": [[1, 0.5], [2, None]], "lr=1": [[1, 3.0]]}),
    P.CheckResult(False, "your loss has shape (10, 10)", "y of shape (10,)", 3),
    P.Done("ok", {"curves": {"loss": {"x": [1], "y": [0.5]}}, "facts": {"w_hat": [2.0, -3.4]}}),
    P.KernelDied("the kernel exited with status 3; it was restarted"),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_round_trip_is_one_line(message):
    line = P.encode(message)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert P.decode(line) == message


def test_non_finite_numbers_become_null():
    line = P.encode(P.Points({"loss": [[1, float("nan")], [2, float("inf")], [3, 0.25]]}))
    assert P.decode(line).series == {"loss": [[1, None], [2, None], [3, 0.25]]}
    json.loads(line)  # strict JSON: no NaN literal


@pytest.mark.parametrize("line", [
    b"garbage\n",
    b'{"no": "type"}\n',
    b'{"type": "Format"}\n',
    b'{"type": "Done", "status": "ok", "extra": 1}\n',
    b'{"type": "Stream", "name": "stdout"}\n',
    b"[1, 2]\n",
])
def test_lines_that_are_not_messages_are_refused(line):
    with pytest.raises(P.ProtocolError):
        P.decode(line)


def test_protocol_imports_neither_torch_nor_textual():
    code = ("import sys, tutor.kernel.protocol, tutor.kernel.client; "
            "print(sorted(m for m in ('torch', 'textual') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_sealed_lines_carry_their_request_and_token(message):
    line = P.seal(message, 7, "secret")
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert P.unseal(line) == P.Envelope(message, 7, "secret")


@pytest.mark.parametrize("line", [
    b'{"_request": "7", "_token": "t", "type": "Done", "status": "ok", "result": null}',
    b'{"_request": true, "_token": "t", "type": "Done", "status": "ok", "result": null}',
    b'{"_request": 7, "_token": 3, "type": "Done", "status": "ok", "result": null}',
])
def test_a_bad_envelope_is_refused(line):
    with pytest.raises(P.ProtocolError):
        P.unseal(line)


def test_a_line_without_envelope_has_no_token():
    # What learner code writing to the event pipe would send: the client drops it for its token.
    assert P.unseal(b'{"type": "Done", "status": "ok", "result": null}') == P.Envelope(P.Done("ok"), 0, "")


def test_a_bad_message_in_a_good_envelope_names_its_request():
    # The kernel answers such a line with an Error to that request, so the request still ends.
    with pytest.raises(P.ProtocolError) as refused:
        P.unseal(b'{"_request": 9, "_token": "", "type": "Execute", "nope": 1}')
    assert refused.value.request == 9
