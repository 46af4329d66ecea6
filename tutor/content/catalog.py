"""What lessons may refer to, known without importing torch.

The loader checks `run:`, `params`, `editable`, `sweep`, `show=` and `implements:` against this
catalogue, and the app checks what a learner types into an experiment's inputs with the same
functions, so a value is either accepted everywhere or refused everywhere with the same words.
A test of the core asserts that these parameters agree with the signatures in
tutor/scratch/exercises.py.
"""

from __future__ import annotations

import ast
import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.i18n import STRINGS, t


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of an experiment.

    type is "int", "float", "bool", "str" or "list[float]". min and max bound the value (for a
    list: each element); min_open makes min itself invalid (a learning rate of 0 never moves).
    For a list, min_len..max_len bound its length. choices lists the allowed strings.
    """

    name: str
    type: str
    default: Any
    help: str = ""
    min: float | None = None
    max: float | None = None
    min_open: bool = False
    choices: tuple[str, ...] = ()
    min_len: int = 1
    max_len: int = 10

    @property
    def label(self) -> str:
        """The parameter in plain words, for messages."""
        return _LABELS.get(self.name, self.name.replace("_", " "))


_LABELS = {"lr": "learning rate", "lrs": "learning rates"}


def _lr(default: float) -> ParamSpec:
    return ParamSpec("lr", "float", default, "learning rate: the step size of SGD",
                     min=0.0, max=100.0, min_open=True)


def _batch_size(default: int) -> ParamSpec:
    return ParamSpec("batch_size", "int", default, "examples per minibatch", min=1, max=1000)


def _num_epochs(default: int) -> ParamSpec:
    return ParamSpec("num_epochs", "int", default, "passes over the whole dataset", min=1, max=50)


def _num_examples(default: int) -> ParamSpec:
    return ParamSpec("num_examples", "int", default, "size of the generated dataset",
                     min=1, max=100_000)


def _noise(default: float) -> ParamSpec:
    return ParamSpec("noise", "float", default, "standard deviation of the noise added to the labels",
                     min=0.0, max=10.0)


def _specs(*specs: ParamSpec) -> dict[str, ParamSpec]:
    return {s.name: s for s in specs}


# Names and defaults are those of tutor/scratch/exercises.py (spec section 1); never rename them,
# lessons use them.
EXPERIMENT_PARAMS: dict[str, dict[str, ParamSpec]] = {
    "train": _specs(
        _lr(0.03), _batch_size(10), _num_epochs(3), _num_examples(1000),
        ParamSpec("init", "str", "normal", "initial w: random normal (std 0.01) or zeros",
                  choices=("normal", "zeros")),
        _noise(0.01),
        ParamSpec("record_path", "bool", False, "record (w1, w2) after each step (for view: path)"),
    ),
    "zero_init": _specs(
        _lr(0.03), _batch_size(10), _num_epochs(3),
        ParamSpec("hidden", "int", 4, "hidden units of the small MLP", min=1, max=64),
        ParamSpec("model", "str", "linreg", "whose loss is plotted: linear regression's or the MLP's",
                  choices=("linreg", "mlp")),
    ),
    "ohm": _specs(
        ParamSpec("R", "float", 3.3, "true resistance in ohms", min=0.1, max=100.0),
        ParamSpec("b", "float", 2.2, "true offset voltage", min=-100.0, max=100.0),
        _lr(0.05), _batch_size(10), _num_epochs(5), _num_examples(1000), _noise(0.01),
    ),
    "planck": _specs(
        ParamSpec("T", "float", 5000.0, "true temperature of the black body in kelvin",
                  min=1000.0, max=10000.0),
        _lr(0.1),
        ParamSpec("steps", "int", 500, "gradient steps on the whole spectrum", min=1, max=10_000),
        ParamSpec("noise", "float", 0.01, "relative noise on the measured radiance",
                  min=0.0, max=1.0),
    ),
    "second_derivative": _specs(
        ParamSpec("x0", "float", 1.0, "the point where f'' is taken", min=-100.0, max=100.0),
    ),
    "reshape": _specs(
        ParamSpec("n", "int", 10, "number of examples (the wrong loss is n x n)", min=1, max=1000),
        _lr(0.03), _batch_size(10), _num_epochs(3),
    ),
    "learning_rates": _specs(
        ParamSpec("lrs", "list[float]", [0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0],
                  "learning rates to compare, one curve each",
                  min=0.0, max=100.0, min_open=True, min_len=1, max_len=10),
        _batch_size(10), _num_epochs(3),
    ),
    "remainder": _specs(
        _num_examples(1000), _batch_size(64), _lr(0.03), _num_epochs(3),
    ),
    "init_variance": _specs(
        ParamSpec("variance", "float", 1000.0, "variance of the large initial weights",
                  min=0.0, max=1e6, min_open=True),
        _lr(0.03), _batch_size(10), _num_epochs(3),
    ),
    "robust_loss": _specs(
        ParamSpec("outlier", "bool", True, "set the label of example 5 to 10000"),
        ParamSpec("delta", "float", 1.0, "where Huber's loss turns from squared to absolute",
                  min=0.0, max=100.0, min_open=True),
        _lr(0.03), _batch_size(10), _num_epochs(10),
    ),
    "shuffling": _specs(
        _lr(0.1), _batch_size(10), _num_epochs(3),
    ),
}

# Experiments whose result carries the (w1, w2) path that `view: path` draws.
PATH_EXPERIMENTS = ("train", "learning_rates")

# A run longer than this would keep a learner waiting for minutes; the cap keeps a class's shared
# machine responsive without forbidding any run the lessons need.
MAX_STEPS = 200_000

CORE_FUNCTIONS: tuple[str, ...] = (
    "tutor.scratch.data.synthetic_data",
    "tutor.scratch.data.data_iter",
    "tutor.scratch.model.linreg",
    "tutor.scratch.model.squared_loss",
    "tutor.scratch.model.sgd",
    "tutor.scratch.train.train",
    "tutor.scratch.train.closed_form",
)

# The core functions that tutor/practice/checks.py can check a learner's version of.
PRACTICE_TARGETS: tuple[str, ...] = CORE_FUNCTIONS[:5]

SCRATCH_MODULES = ("tutor.scratch.data", "tutor.scratch.model", "tutor.scratch.train",
                   "tutor.scratch.exercises")


# ---------------------------------------------------------------------------------------------
# The real source of core functions


# module -> its file; only found files are kept, so a module written later is still found.
_module_files: dict[str, Path] = {}


def _module_file(module: str) -> Path | None:
    if module in _module_files:
        return _module_files[module]
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    _module_files[module] = Path(spec.origin)
    return _module_files[module]


# path -> (mtime, {top-level name: source}); a file edited while the app runs is read again.
_definitions_cache: dict[Path, tuple[float, dict[str, str]]] = {}


def _definitions(path: Path) -> dict[str, str]:
    mtime = path.stat().st_mtime
    cached = _definitions_cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    found: dict[str, str] = {}
    for node in ast.parse(text, filename=str(path)).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            found[node.name] = "".join(lines[first - 1:node.end_lineno]).rstrip() + "\n"
    _definitions_cache[path] = (mtime, found)
    return found


def source_of(dotted: str) -> str:
    """The source text of a top-level function (or class) of a module, as written in its file.

    Read with ast from the file importlib finds, so showing `tutor.scratch.model.sgd` never
    imports torch. Raises LookupError when the module or the name does not exist.
    """
    module, _, name = dotted.rpartition(".")
    # finding a submodule imports its parent packages; only ours are known to be torch-free
    path = _module_file(module) if module.startswith("tutor.") else None
    if path is None:
        raise LookupError(f"no module {module or dotted!r}")
    definitions = _definitions(path)
    if name not in definitions:
        raise LookupError(f"no function {name!r} in {module}")
    return definitions[name]


def show_targets() -> tuple[str, ...]:
    """Every name a `python show=` block may show: the public functions and classes of the core."""
    names = list(CORE_FUNCTIONS)
    for module in SCRATCH_MODULES:
        path = _module_file(module)
        if path is None:
            continue
        try:
            definitions = _definitions(path)
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        names += [f"{module}.{n}" for n in definitions if not n.startswith("_")]
    return tuple(dict.fromkeys(names))


# ---------------------------------------------------------------------------------------------
# Values typed by a learner or written in a lesson


def _fmt(x: float) -> str:
    return f"{x:g}"


def label_of(spec: ParamSpec, lang: str) -> str:
    """The parameter in plain words in `lang`: its translation, or its own name."""
    key = f"param.label.{spec.name}"
    return t(key, lang) if key in STRINGS else spec.label


def _range_words(spec: ParamSpec, lang: str) -> str:
    low = _fmt(spec.min) if spec.min is not None else ""
    high = _fmt(spec.max) if spec.max is not None else ""
    if low and high:
        return t("param.above_at_most" if spec.min_open else "param.between", lang, low=low, high=high)
    if low:
        return t("param.above" if spec.min_open else "param.at_least", lang, low=low)
    if high:
        return t("param.at_most", lang, high=high)
    return ""


def _number_words(spec: ParamSpec, lang: str) -> str:
    key = "param.whole" if spec.type == "int" else "param.number"
    return t(key, lang, range=_range_words(spec, lang)).strip()


def _bounded(number: int) -> int | float:
    """An int beyond what a float holds reads as ±inf, as 1e309 does, so every caller that
    tests finiteness or converts to float says "too large" instead of raising OverflowError."""
    if abs(number) > 1.7e308:
        return math.inf if number > 0 else -math.inf
    return number


def parse_number(raw: Any) -> float | None:
    """A number from a YAML value or typed text; None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return _bounded(raw)
    if isinstance(raw, float):
        return raw
    if isinstance(raw, str):
        text = raw.strip().replace("_", "")
        try:
            return _bounded(int(text))
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _check_number(spec: ParamSpec, raw: Any, label: str, lang: str) -> tuple[Any, str | None]:
    wanted = _number_words(spec, lang)
    must_be = t("param.must_be", lang, label=label, wanted=wanted)
    number = parse_number(raw)
    if number is None:
        return None, must_be
    if isinstance(number, float) and math.isnan(number):
        return None, t("param.not_nan", lang, label=label, wanted=wanted)
    if isinstance(number, float) and math.isinf(number):
        # 1e309 reads as inf: say it is too large rather than "not a number"
        side = "param.too_large" if number > 0 else "param.too_small"
        return None, t(side, lang, label=label, wanted=wanted)
    if spec.type == "int":
        if isinstance(number, float):
            if not number.is_integer():
                return None, must_be
            number = int(number)
    else:
        number = float(number)
    too_low = spec.min is not None and (number <= spec.min if spec.min_open else number < spec.min)
    too_high = spec.max is not None and number > spec.max
    if too_low or too_high:
        return None, must_be
    return number, None


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _check_list(spec: ParamSpec, raw: Any, lang: str) -> tuple[Any, str | None]:
    sizes = (t("param.sizes", lang, low=spec.min_len, high=spec.max_len)
             if spec.min_len != spec.max_len else str(spec.min_len))
    label = label_of(spec, lang)
    wanted = t("param.list", lang, label=label, sizes=sizes, range=_range_words(spec, lang).strip())
    if isinstance(raw, str):
        text = raw.strip().removeprefix("[").removesuffix("]")
        items: list[Any] = [p for p in text.replace(",", " ").split() if p]
    elif isinstance(raw, (list, tuple)):
        items = list(raw)
    else:
        return None, wanted
    if not spec.min_len <= len(items) <= spec.max_len:
        return None, wanted
    element = ParamSpec(spec.name, "float", None, min=spec.min, max=spec.max,
                        min_open=spec.min_open)
    values = []
    for position, item in enumerate(items, 1):
        value, problem = _check_number(element, item, t("param.item", lang, position=position, label=label), lang)
        if problem:
            return None, f"{problem} ({wanted})"
        values.append(value)
    return values, None


def validate_value(spec: ParamSpec, raw: Any, lang: str = "en") -> tuple[Any, str | None]:
    """(value, None) when `raw` is a valid value for `spec`, else (None, plain-words message).

    `raw` is what a learner typed ("abc", "-1", "1e309") or a value read from a lesson's YAML.
    Numbers written as text are accepted, since YAML reads `1e-3` as text. The message is in
    `lang`: the app shows it to the learner; `tutor check` writes it in English.
    """
    label = label_of(spec, lang)
    if spec.type in ("int", "float"):
        return _check_number(spec, raw, label, lang)
    if spec.type == "bool":
        if isinstance(raw, bool):
            return raw, None
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE, None
        return None, t("param.bool", lang, label=label)
    if spec.type == "str":
        text = raw.strip() if isinstance(raw, str) else None
        if spec.choices and text not in spec.choices:
            return None, t("param.choices", lang, label=label, choices=", ".join(spec.choices))
        if text is None:
            return None, t("param.text", lang, label=label)
        return text, None
    if spec.type == "list[float]":
        return _check_list(spec, raw, lang)
    raise ValueError(f"unknown parameter type {spec.type!r}")


def validate_params(run: str, params: dict[str, Any], lang: str = "en") -> list[tuple[str, str]]:
    """Every problem with running `run` with `params`, as (param, message) pairs.

    Each value is checked alone (as validate_value does), then the rules that tie parameters
    together, with defaults standing in for the params not given: a batch larger than the
    dataset, a run with too many steps.
    """
    specs = EXPERIMENT_PARAMS.get(run)
    if specs is None:
        return [("run", f"unknown experiment {run!r}; experiments: {', '.join(EXPERIMENT_PARAMS)}")]
    problems: list[tuple[str, str]] = []
    values = {name: spec.default for name, spec in specs.items()}
    for name, raw in params.items():
        spec = specs.get(name)
        if spec is None:
            problems.append((name, f"{run} has no parameter {name!r}; "
                                   f"its parameters: {', '.join(specs)}"))
            continue
        value, problem = validate_value(spec, raw, lang)
        if problem:
            problems.append((name, problem))
        else:
            values[name] = value
    if problems:
        return problems
    examples_key = "num_examples" if "num_examples" in specs else "n" if "n" in specs else None
    if examples_key and "batch_size" in specs:
        batch, examples = values["batch_size"], values[examples_key]
        if batch > examples:
            problems.append(("batch_size", t("param.batch_too_large", lang, batch=batch, examples=examples)))
        elif "num_epochs" in specs:
            steps = values["num_epochs"] * -(-examples // batch)
            if steps > MAX_STEPS:
                problems.append(("batch_size", t("param.too_many_steps", lang, steps=steps, limit=MAX_STEPS)))
    return problems


def defaults(run: str) -> dict[str, Any]:
    """The parameters `run` uses when a lesson gives none."""
    return {name: spec.default for name, spec in EXPERIMENT_PARAMS[run].items()}


__all__ = [
    "CORE_FUNCTIONS",
    "EXPERIMENT_PARAMS",
    "MAX_STEPS",
    "PATH_EXPERIMENTS",
    "PRACTICE_TARGETS",
    "SCRATCH_MODULES",
    "ParamSpec",
    "defaults",
    "parse_number",
    "show_targets",
    "source_of",
    "validate_params",
    "validate_value",
]
