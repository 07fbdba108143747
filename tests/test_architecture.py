"""The package's import structure: layers import one way, no circles, no private names across.

Parses every module of ``skactive`` (nothing is imported) and checks the arrows of
docs/architecture.rst: a unit (a subpackage, or a top-level module) imports only units of its
own layer or below, the module graph has no circle, and what one unit takes from another is
public (no ``_name`` and no ``_module`` of another unit).
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "skactive"

#: Layer of each unit, lowest first; a unit imports only units of its layer or below.
LAYERS = {
    "utils": 0, "nets": 0, "exceptions": 0, "_version": 0, "_training": 0, "_labeled": 0,
    "base": 1, "mlp": 1, "text": 1, "autoencoder": 1, "cluster": 1, "datasets": 1,
    "readouts": 2,
    "strategies": 3,
    "learner": 4,
    "experiment": 5, "io": 5, "modal": 5,
    "labeling": 6,
    "cli": 7, "__main__": 7,
}
#: Imports that knowingly break the rules, each with its reason.
EXCEPTIONS = set()


def _module_name(path):
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules():
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


MODULES = _modules()


def _resolve(module, node):
    """``[(target module, imported name or None)]`` of one import statement inside skactive."""
    if isinstance(node, ast.Import):
        return [(a.name, None) for a in node.names if a.name.split(".")[0] == "skactive"]
    is_package = MODULES[module].name == "__init__.py"
    if node.level:
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target.split(".")[0] != "skactive":
        return []
    out = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        out.append((sub, None) if sub in MODULES else (target, alias.name))
    return out


def _imports():
    """``{module: [(target, name, line, at_top)]}`` for every skactive-internal import."""
    found = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(n) for n in tree.body}
        found[module] = [(target, name, node.lineno, id(node) in top)
                         for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                         for target, name in _resolve(module, node)]
    return found


IMPORTS = _imports()


def _unit(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None  # None: the package root


def test_every_unit_has_a_layer():
    units = {_unit(m) for m in MODULES} - {None}
    assert units <= set(LAYERS), f"give these a layer in LAYERS: {sorted(units - set(LAYERS))}"


def test_imports_never_run_up_a_layer():
    wrong = []
    for module, imports in IMPORTS.items():
        unit = _unit(module)
        for target, name, line, _ in imports:
            other = _unit(target)
            if unit is None or other == unit:
                continue
            if other is None:  # the package root: only its version string
                if name != "__version__":
                    wrong.append(f"{module}:{line} imports the package root ({name})")
                continue
            pair = (".".join(module.split(".")[:2]), ".".join(target.split(".")[:2]))
            if LAYERS[other] > LAYERS[unit] and pair not in EXCEPTIONS:
                wrong.append(f"{module}:{line} ({unit}, layer {LAYERS[unit]}) imports {target} "
                             f"({other}, layer {LAYERS[other]})")
    assert wrong == []


def test_no_private_name_across_units():
    wrong = []
    for module, imports in IMPORTS.items():
        unit = _unit(module)
        for target, name, line, _ in imports:
            if _unit(target) in (unit, None):
                continue
            private_module = any(p.startswith("_") for p in target.split(".")[2:])
            dunder = (name or "").startswith("__") and (name or "").endswith("__")
            if private_module or ((name or "").startswith("_") and not dunder):
                wrong.append(f"{module}:{line} imports {target}.{name or ''}")
    assert wrong == []


def test_no_import_circle():
    # module-level imports only: a function-level import runs after every module is loaded
    graph = {m: {t for t, _, _, top in imports if top and t in MODULES and t != m}
             for m, imports in IMPORTS.items()}
    # a package's __init__ re-exports its own modules: that arrow is not a dependency back
    graph = {m: {t for t in targets if not (m.startswith(t + ".") and t in MODULES)}
             for m, targets in graph.items()}
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize("source, message", [
    ("from ..learner import ActiveLearner", "imports skactive.learner"),
    ("from ..base import _silent", "imports skactive.base._silent"),
])
def test_the_checks_catch_a_violation(monkeypatch, source, message):
    module = "skactive.readouts._forward"
    node = ast.parse(source).body[0]
    extra = [(t, n, 1, True) for t, n in _resolve(module, node)]
    monkeypatch.setitem(IMPORTS, module, IMPORTS[module] + extra)
    check = (test_imports_never_run_up_a_layer if "learner" in source
             else test_no_private_name_across_units)
    with pytest.raises(AssertionError, match=message.replace(".", r"\.")):
        check()
