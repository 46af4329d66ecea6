"""The messages the app and its kernel speak: one JSON object per line.

Both sides import this module; it imports neither torch nor textual. Every message is a dataclass;
on the wire it is its fields plus ``"type": <class name>``, encoded as one line of UTF-8 JSON (no NaN
or Infinity: a non-finite number is written as ``null``, as the experiments already do).

Requests (app -> kernel): Execute, RunExperiment, Check, Shutdown. An interrupt is SIGINT, not a
message, so it reaches a kernel that is busy and not reading. Between client and kernel every line
is sealed (seal/unseal): a request carries its id, and every event the id of its request and the
kernel's secret token.
Events (kernel -> app): Ready, Stream, Result, Error, Points, CheckResult, Done. KernelDied is made
by the client when the process is gone; the kernel never sends it.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

# ---------------------------------------------------------------- requests


@dataclass
class Execute:
    """Run a code cell in the namespace of one lesson (each lesson keeps its own variables)."""

    code: str
    cell_id: str = ""
    namespace: str = ""


@dataclass
class RunExperiment:
    """Run ``EXPERIMENTS[run](seed=seed, **params)``.

    sweep: ``{param: [values]}`` runs once per value, labels prefixed ``"param=value"``.
    impl: ``{dotted core name: the learner's source}`` replaces core functions in the run.
    compare: with impl, run the core first (runs ``"core"``) then the learner's (``"yours"``).
    x_axis: what the curves' x is: ``"step"``, ``"epoch"`` or ``"examples"`` (seen so far).
    Done.result is ``ExperimentResult.to_wire()``.
    """

    run: str
    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    sweep: dict[str, list[Any]] | None = None
    impl: dict[str, str] | None = None
    compare: bool = False
    x_axis: str = "step"


@dataclass
class Check:
    """Check the learner's version of a core function (tutor.practice.checks) within ``timeout`` s."""

    implements: str
    source: str
    timeout: float = 10.0


@dataclass
class Shutdown:
    """Exit cleanly."""


# ---------------------------------------------------------------- events


@dataclass
class Ready:
    """torch is imported and the core loaded: requests run from now on."""

    torch_version: str


@dataclass
class Stream:
    """Text the running code wrote to its stdout or stderr (Python or C level)."""

    name: Literal["stdout", "stderr"]
    text: str


@dataclass
class Result:
    """repr() of the cell's last expression, when it is not None (as in the REPL)."""

    text: str


@dataclass
class Error:
    """An exception, with a traceback trimmed to the learner's own lines.

    ename ``KeyboardInterrupt`` comes just before ``Done("interrupted")`` and shows where the code
    was stopped; ``SyntaxError`` has no frames, only the caret under the offending line.
    """

    ename: str
    evalue: str
    traceback: str


@dataclass
class Points:
    """Every point plotted since the previous Points event: ``{label: [[x, y], ...]}``.

    The kernel sends at most about ten per second; concatenated per label they equal the
    experiment's returned curves point for point (y is None where the loss was not finite).
    """

    series: dict[str, list[list[float | None]]]


@dataclass
class CheckResult:
    """The verdict on the learner's function; ``line`` is a line of their code when one is to blame."""

    passed: bool
    message: str
    case: str = ""
    line: int | None = None


DoneStatus = Literal["ok", "error", "interrupted"]


@dataclass
class Done:
    """The request ended. ``result``: an experiment's dict, a check's CheckResult as a dict, else None."""

    status: DoneStatus
    result: dict[str, Any] | None = None


@dataclass
class KernelDied:
    """Made by the client: the process ended (or was killed) during the request; a new one is starting."""

    reason: str


Request = Execute | RunExperiment | Check | Shutdown
Event = Ready | Stream | Result | Error | Points | CheckResult | Done | KernelDied

MESSAGE_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Execute, RunExperiment, Check, Shutdown,
        Ready, Stream, Result, Error, Points, CheckResult, Done, KernelDied,
    )
}
# The events that end a request.
TERMINAL = (Done, KernelDied)


class ProtocolError(ValueError):
    """A line that is not a message of this protocol. ``request``: the id its envelope gave, when
    only the message inside was wrong (so the error can be answered to that request)."""

    def __init__(self, message: str, request: int = 0) -> None:
        super().__init__(message)
        self.request = request


def json_safe(value: Any) -> Any:
    """The value with every non-finite float replaced by None (JSON has no NaN or Infinity)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def encode(message: Any) -> bytes:
    """One message as one line of JSON, newline included."""
    return _line(_fields(message))


def decode(line: bytes | str) -> Any:
    """The message encoded in one line; ProtocolError if the line is not one."""
    return _message(_payload(line), line)


# The envelope: keys the pipes between client and kernel add beside a message's own fields.
ENVELOPE_REQUEST, ENVELOPE_TOKEN = "_request", "_token"
# The environment variable that gives the kernel its token (it removes it from os.environ at once).
TOKEN_ENV = "TUTOR_KERNEL_TOKEN"


@dataclass
class Envelope:
    """A message as it came off a pipe: the id of the request it belongs to (0: none, as Ready's)
    and the token it carried. The client takes an event only with its own kernel's secret token and
    the running request's id, so neither a stale reply nor a line that learner code (or a forked
    copy of the kernel) wrote to the event pipe can end a request."""

    message: Any
    request: int
    token: str


def seal(message: Any, request: int, token: str = "") -> bytes:
    """One message as one line, in its envelope."""
    return _line({ENVELOPE_REQUEST: request, ENVELOPE_TOKEN: token, **_fields(message)})


def unseal(line: bytes | str) -> Envelope:
    """The message and envelope of one line written by seal(); ProtocolError if it is not one."""
    payload = _payload(line)
    request, token = payload.pop(ENVELOPE_REQUEST, 0), payload.pop(ENVELOPE_TOKEN, "")
    if type(request) is not int or not isinstance(token, str):
        raise ProtocolError(f"bad envelope: {line[:80]!r}")
    try:
        return Envelope(_message(payload, line), request, token)
    except ProtocolError as exc:
        raise ProtocolError(str(exc), request) from exc


def _fields(message: Any) -> dict[str, Any]:
    kind = type(message)
    if MESSAGE_TYPES.get(kind.__name__) is not kind:
        raise ProtocolError(f"not a protocol message: {message!r}")
    return {"type": kind.__name__, **json_safe(asdict(message))}


def _line(payload: dict[str, Any]) -> bytes:
    # ensure_ascii keeps the line free of raw newlines and odd code points whatever the text holds.
    return (json.dumps(payload, allow_nan=False, separators=(",", ":")) + "\n").encode("ascii")


def _payload(line: bytes | str) -> dict[str, Any]:
    try:
        payload = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"not JSON: {line[:80]!r}") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        raise ProtocolError(f"no message type: {line[:80]!r}")
    return payload


def _message(payload: dict[str, Any], line: bytes | str) -> Any:
    cls = MESSAGE_TYPES.get(payload.pop("type"))
    if cls is None:
        raise ProtocolError(f"unknown message type in {line[:80]!r}")
    names = {f.name for f in fields(cls)}
    unknown = set(payload) - names
    if unknown:
        raise ProtocolError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
    try:
        return cls(**payload)
    except TypeError as exc:
        raise ProtocolError(f"{cls.__name__}: {exc}") from exc


# ---------------------------------------------------------------- experiment results
# An experiment's Done.result, typed. On the wire it stays a JSON dict (to_wire / from_wire); every
# front end reads experiments through these types only.

X_AXES = ("step", "epoch", "examples")  # what an experiment may plot against


@dataclass
class Curve:
    """One drawn line: its points, in the result's x_axis units, and the run that drew it."""

    label: str  # as drawn in a legend: "loss", "lr=0.3", "train loss", "yours"
    x: list[float]  # the x of each point, in units of the result's x_axis
    y: list[float | None]  # the loss (not its log); None where it was not finite
    run: str = ""  # the RunSummary.label of the run that drew it
    diverged_at: int | None = None  # the step at which this curve's run diverged, if it did
    steps: list[int] = field(default_factory=list)  # the step number of each point (same length as x)
    name: str = ""  # the curve's name inside its experiment ("loss", "zeros"): pairs core with yours


@dataclass
class RunSummary:
    """One run of the experiment function: a plain run, one value of a sweep, core or yours."""

    label: str  # "" (one plain run), "lr=0.3" (sweep), "core"/"yours" (compare), "core lr=0.3" (both)
    params: dict[str, Any]  # every parameter this run used, defaults included
    facts: dict[str, Any]  # this run's facts (final_loss, w_error, ...)
    diverged_at: int | None = None
    steps_per_epoch: int | None = None
    swept: Any = None  # the swept value for this run, if a sweep
    impl: str = "core"  # "core" or "yours"


@dataclass
class ExperimentResult:
    """What an experiment drew and found, for every front end (app, plain mode, the curve in words)."""

    run: str  # the experiment's name (train, learning_rates, ...)
    curves: list[Curve]
    runs: list[RunSummary]
    x_axis: str = "step"  # "step" | "epoch" | "examples"
    xlabel: str = "step"
    ylabel: str = "loss"
    log_y: bool = True
    sweep_param: str | None = None
    noise_floor: float | None = None  # sigma**2 / 2 of the data's label noise, where the run has one
    path: dict[str, list[list[float]]] | None = None  # (w1, w2) path per curve label
    surface: dict[str, Any] | None = None
    interrupted: bool = False

    @property
    def facts(self) -> dict[str, Any]:
        """One run: its facts; several: each run's facts as "label name" -> value."""
        if len(self.runs) == 1:
            return dict(self.runs[0].facts)
        return {f"{run.label} {name}": value for run in self.runs for name, value in run.facts.items()}

    @property
    def diverged(self) -> dict[str, int]:
        """Curve label -> the step where its run diverged, for the curves that did."""
        return {c.label: c.diverged_at for c in self.curves if c.diverged_at is not None}

    def run_of(self, curve: Curve) -> RunSummary | None:
        """The run that drew `curve`."""
        return next((run for run in self.runs if run.label == curve.run), None)

    def pairs(self) -> list[tuple[Curve, Curve]]:
        """(core, yours) curves of a comparison: the same curve of the same swept value."""
        def key(curve: Curve) -> tuple[str, Any, str] | None:
            run = self.run_of(curve)
            return None if run is None else (run.impl, repr(run.swept), curve.name or curve.label)

        yours = {k[1:]: c for c in self.curves if (k := key(c)) is not None and k[0] == "yours"}
        return [(c, yours[k[1:]]) for c in self.curves
                if (k := key(c)) is not None and k[0] == "core" and k[1:] in yours]

    def to_wire(self) -> dict[str, Any]:
        """A JSON-safe dict (non-finite numbers as None), as Done.result carries it."""
        return json_safe(asdict(self))

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> ExperimentResult:
        """The result a to_wire() dict describes; ProtocolError when it is not one."""
        try:
            values = _known(cls, data)
            values["curves"] = [Curve(**_known(Curve, c)) for c in data["curves"]]
            values["runs"] = [RunSummary(**_known(RunSummary, r)) for r in data["runs"]]
            return cls(**values)
        except (KeyError, TypeError) as exc:
            raise ProtocolError(f"not an experiment result: {exc}") from exc


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The entries of `data` that are fields of `cls` (a newer kernel may send more)."""
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__} must be a mapping, not {type(data).__name__}")
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}
