"""```experiment blocks (and an exercise's then:): run:, params:, editable:, sweep:, view:, x:, id:."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.content import catalog
from tutor.content.context import FAILED
from tutor.content.fields import YamlBlock
from tutor.content.model import Experiment, Where
from tutor.content.words import quoted, suggest

EXPERIMENT_KEYS = ("run", "params", "editable", "sweep", "view", "x", "id")
VIEWS = ("loss", "path")
# What the loss may be plotted against; epoch and examples need minibatches (a batch_size).
X_AXES = ("step", "epoch", "examples")
MAX_SWEEP = 10

REQUIRED_NOTE = ("an experiment needs run: (one of " + ", ".join(catalog.EXPERIMENT_PARAMS)
                 + ") and may have params:, editable:, sweep:, view:, x: and id:")


def read_experiment(block: YamlBlock, node: Node, where: Where, what: str = "the experiment block",
                    at: tuple[int, int] | None = None) -> Experiment | None:
    at = at or (where.line, where.col)
    entries = block.mapping(node, what, EXPERIMENT_KEYS, ("run",), at, REQUIRED_NOTE)
    if entries is None:
        return None
    ok = "run" in entries
    run = block.text(*entries["run"]) if ok else None
    specs = catalog.EXPERIMENT_PARAMS.get(run or "")
    if run is not None and specs is None:
        block.node_error(entries["run"][1],
                         f"unknown experiment {run!r}{suggest(run, catalog.EXPERIMENT_PARAMS)}; "
                         f"experiments: {quoted(catalog.EXPERIMENT_PARAMS)}")
    if specs is None or run is None:
        return None
    experiment = Experiment(run, {}, where)
    params_ok = _params(block, entries.get("params"), run, specs, experiment)
    ok = params_ok and ok
    if "editable" in entries:
        names = block.texts(*entries["editable"], single_ok=False)
        if names is None:
            ok = False
        for name, item in names or []:
            if name not in specs:
                ok = False
                block.node_error(item, f"{name!r} is not a parameter of {run}"
                                       f"{suggest(name, specs)}; editable lists the parameters "
                                       f"the learner may change: {quoted(specs)}")
            elif name not in experiment.editable:
                experiment.editable.append(name)
    if "sweep" in entries:
        ok = _sweep(block, entries["sweep"], run, specs, experiment, params_ok) and ok
    if "view" in entries:
        ok = _view(block, entries["view"], run, experiment) and ok
    if "x" in entries:
        ok = _x_axis(block, entries["x"], run, specs, experiment) and ok
    if "id" in entries:
        ident = block.identifier(*entries["id"], "experiment")
        ok = ok and ident is not None
        experiment.id = ident or ""
    return experiment if ok else None


def _params(block: YamlBlock, entry: tuple[Node, Node] | None, run: str,
            specs: dict[str, catalog.ParamSpec], experiment: Experiment) -> bool:
    if entry is None:
        return True
    key, node = entry
    if not isinstance(node, MappingNode):
        block.node_error(key, f"params must be a mapping of parameter: value, like "
                              f"{{lr: 0.03, batch_size: 10}}; {run}'s parameters: {quoted(specs)}")
        return False
    ok = True
    keys: dict[str, Node] = {}
    for name_node, value_node in node.value:
        name = name_node.value if isinstance(name_node, ScalarNode) else None
        if name is None or name not in specs:
            ok = False
            shown = name if name is not None else "this key"
            block.node_error(name_node, f"experiment {run!r} has no parameter {shown!r}"
                                        f"{suggest(shown, specs)}; its parameters: {quoted(specs)}")
            continue
        if name in keys:
            ok = False
            block.node_error(name_node, f"{name!r} is given twice in params; keep one")
            continue
        keys[name] = name_node
        raw = block.value(value_node)
        if raw is FAILED:
            ok = False
            continue
        value, problem = catalog.validate_value(specs[name], raw)
        if problem:
            ok = False
            block.node_error(value_node, f"bad value for {name}: {problem}")
        else:
            experiment.params[name] = value
    if ok:
        for name, problem in catalog.validate_params(run, experiment.params):
            ok = False
            block.node_error(keys.get(name, key), problem)
    return ok


def _sweep(block: YamlBlock, entry: tuple[Node, Node], run: str,
           specs: dict[str, catalog.ParamSpec], experiment: Experiment, params_ok: bool) -> bool:
    key, node = entry
    usage = "sweep must be one parameter with a list of values, like sweep: {lr: [0.01, 0.1, 1]}"
    if not isinstance(node, MappingNode) or len(node.value) != 1:
        block.node_error(key, usage)
        return False
    name_node, values_node = node.value[0]
    name = name_node.value if isinstance(name_node, ScalarNode) else ""
    if name not in specs:
        block.node_error(name_node, f"{name!r} is not a parameter of {run}{suggest(name, specs)}; "
                                    f"its parameters: {quoted(specs)}")
        return False
    if not isinstance(values_node, SequenceNode) or not 2 <= len(values_node.value) <= MAX_SWEEP:
        block.node_error(values_node, f"{usage}; a sweep has 2 to {MAX_SWEEP} values, one "
                                      f"curve each")
        return False
    ok = True
    values = []
    for item in values_node.value:
        raw = block.value(item)
        if raw is FAILED:
            ok = False
            continue
        value, problem = catalog.validate_value(specs[name], raw)
        if problem is None and params_ok:
            crossed = catalog.validate_params(run, {**experiment.params, name: value})
            problem = crossed[0][1] if crossed else None
        if problem:
            ok = False
            block.node_error(item, f"bad value in the sweep of {name}: {problem}")
        values.append(value)
    if name in experiment.editable:
        ok = False
        block.node_error(name_node, f"{name!r} is both swept and editable; the sweep sets its "
                                    f"values, so remove it from editable")
    experiment.sweep = {name: values}
    return ok


def _view(block: YamlBlock, entry: tuple[Node, Node], run: str, experiment: Experiment) -> bool:
    key, node = entry
    view = block.text(key, node)
    if view is None:
        return False
    if view not in VIEWS:
        block.node_error(node, f"unknown view {view!r}; views: loss (the loss curve), path (the "
                               f"(w1, w2) path of SGD over the loss surface)")
        return False
    if view == "path":
        if run not in catalog.PATH_EXPERIMENTS:
            block.node_error(node, f"{run} records no (w1, w2) path; view: path works with "
                                   f"{' and '.join(catalog.PATH_EXPERIMENTS)}")
            return False
        if run == "train" and not experiment.params.get("record_path"):
            block.node_error(node, "view: path needs the path of w: add record_path: true to "
                                   "params")
            return False
    experiment.view = view
    return True


def _x_axis(block: YamlBlock, entry: tuple[Node, Node], run: str,
            specs: dict[str, catalog.ParamSpec], experiment: Experiment) -> bool:
    key, node = entry
    axis = block.text(key, node)
    if axis is None:
        return False
    if axis not in X_AXES:
        block.node_error(node, f"unknown x axis {axis!r}{suggest(axis, X_AXES)}; x is step (the "
                               f"default), epoch, or examples (the examples seen so far, to compare "
                               f"batch sizes)")
        return False
    if axis != "step" and "batch_size" not in specs:
        block.node_error(node, f"{run} does not train in minibatches, so it has no {axis} axis; "
                               f"x: {axis} works with the experiments that have a batch_size")
        return False
    experiment.x_axis = axis
    return True
