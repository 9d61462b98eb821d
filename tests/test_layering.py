"""How chainsim's modules depend on each other, checked statically by parsing every import
statement (including those inside functions), so the checks do not depend on what happens to
be imported at run time:

* the compiled core knows only arrays: chainsim/core and chainsim/_generated import nothing
  from the layers above them (names, units, validation, plotting, the symbolic derivation);
* no module uses another module's private (underscored) names: what two modules share is
  public in one of them (see ``private_imports``);
* the modules import each other without a cycle, so none depends on the order in which the
  others happen to be imported (see ``import_edges`` for how packages count).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "chainsim"
CORE_DIRS = ("core", "_generated")

#: chainsim modules the core may import: itself and the generated kernels
ALLOWED_INTERNAL = ("chainsim.core", "chainsim._generated")
#: third-party libraries that belong to the layers above the core
FORBIDDEN_EXTERNAL = ("xarray", "matplotlib", "sympy", "pandas", "ipywidgets", "dask", "zarr")
#: calls that import a module by name, out of reach of the static check
DYNAMIC_IMPORTS = ("__import__", "import_module")


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(source: str, module: str, is_package: bool):
    """Yield ``(line, absolute module name)`` for every import in ``source``, and
    ``(line, "<dynamic: name>")`` for calls that import by name."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            yield node.lineno, target
            # ``from . import model`` names a module in the alias
            if not node.module:
                for alias in node.names:
                    yield node.lineno, f"{target}.{alias.name}"
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else (f.attr if isinstance(f, ast.Attribute) else "")
            if name in DYNAMIC_IMPORTS:
                yield node.lineno, f"<dynamic: {name}>"


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """Imports of ``source`` (the module ``module``) that break the layering."""
    bad = []
    for line, target in _imports(source, module, is_package):
        top = target.split(".")[0]
        if target.startswith("<dynamic"):
            bad.append(f"{module}:{line} imports by name ({target})")
        elif top == "chainsim":
            if not any(target == a or target.startswith(a + ".") for a in ALLOWED_INTERNAL):
                bad.append(f"{module}:{line} imports {target}")
        elif top in FORBIDDEN_EXTERNAL:
            bad.append(f"{module}:{line} imports {target}")
    return bad


def _core_files():
    files = []
    for d in CORE_DIRS:
        files += sorted((PACKAGE / d).glob("*.py"))
    return files


def test_the_core_has_modules_to_check():
    names = {_module_name(f) for f in _core_files()}
    # the modules that the batch path is made of
    for m in ("chainsim.core.batch", "chainsim.core.solver", "chainsim.core.energy",
              "chainsim._generated.model"):
        assert m in names


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_core_module_imports_nothing_above_it(path):
    bad = violations(path.read_text(), _module_name(path), path.name == "__init__.py")
    assert not bad, "the compiled core imports from the layers above it:\n" + "\n".join(bad)


@pytest.mark.parametrize("source", [
    "from ..model import Model",
    "from .. import params",
    "from ..statics import solve",
    "import chainsim.outputs",
    "from chainsim.pack import pack",
    "from chainsim import cli",
    "from ..plot import figure",
    "from ..symbolic import derive",
    "def f():\n    import xarray as xr\n",
    "import matplotlib.pyplot as plt",
    "from sympy import symbols",
    "import importlib\nm = importlib.import_module('chainsim.model')",
    "m = __import__('chainsim.params')",
])
def test_the_checker_catches_an_upward_import(source):
    assert violations(source, "chainsim.core.solver")
    assert violations(source, "chainsim._generated.model")


@pytest.mark.parametrize("source", [
    "import math\nimport numpy as np\nimport numba as nb",
    "from .jit import jit\nfrom .layout import NQ",
    "from .._generated.model import LEG",
    "from chainsim.core.jit import jit",
])
def test_the_checker_allows_the_core_and_its_libraries(source):
    assert violations(source, "chainsim.core.solver") == []


# ---------------------------------------------------------------------------- private names

def _ours(name: str) -> bool:
    return name.split(".")[0] == "chainsim"


def _is_module(name: str) -> bool:
    """Whether ``name`` (dotted) is a module or package of chainsim on disk."""
    parts = name.split(".")
    if not _ours(name):
        return False
    path = PACKAGE.parent.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _resolve_from(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module that ``from X import ...`` takes names from."""
    if not node.level:
        return node.module
    package = module if is_package else module.rpartition(".")[0]
    base = package.split(".")
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _private_module_violation(importer: str, target: str) -> str | None:
    """A private module (``chainsim.plot._util``) is private to its package: only modules
    inside that package may import it.  Returns the private part of ``target`` if ``importer``
    may not."""
    parts = target.split(".")
    for i, p in enumerate(parts):
        if _is_private(p) and not _inside(importer, ".".join(parts[:i])):
            return ".".join(parts[:i + 1])
    return None


def private_imports(source: str, module: str, is_package: bool = False,
                    is_module=_is_module) -> list[str]:
    """Uses in ``source`` (the module ``module``) of another module's private names.

    * ``from m import _x`` (``_x`` not a dunder);
    * ``m._x`` where ``m`` names a chainsim module imported here (``import chainsim.m as m``,
      ``from . import m``, ``import chainsim.m`` then ``chainsim.m._x``);
    * a private module (``_util``, ``_generated``) imported from outside its own package: it
      is private to that package, which may import it anywhere inside.
    """
    bad = []
    tree = ast.parse(source)
    bound: dict[str, str] = {}                  # local name -> chainsim module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _ours(alias.name):
                    continue
                if (p := _private_module_violation(module, alias.name)):
                    bad.append(f"{module}:{node.lineno} imports the private module {p}")
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    bound[top] = top
        elif isinstance(node, ast.ImportFrom):
            source_module = _resolve_from(node, module, is_package)
            if not _ours(source_module):
                continue
            if (p := _private_module_violation(module, source_module)):
                bad.append(f"{module}:{node.lineno} imports from the private module {p}")
            for alias in node.names:
                full = f"{source_module}.{alias.name}"
                if is_module(full):
                    if (p := _private_module_violation(module, full)):
                        bad.append(f"{module}:{node.lineno} imports the private module {p}")
                    bound[alias.asname or alias.name] = full
                elif _is_private(alias.name):
                    bad.append(f"{module}:{node.lineno} imports {alias.name} from {source_module}")

    def dotted(expr):
        if isinstance(expr, ast.Name):
            return bound.get(expr.id)
        if isinstance(expr, ast.Attribute):
            base = dotted(expr.value)
            if base and is_module(f"{base}.{expr.attr}"):
                return f"{base}.{expr.attr}"
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            owner = dotted(node.value)
            if owner and owner != module:
                full = f"{owner}.{node.attr}"
                if not is_module(full):
                    bad.append(f"{module}:{node.lineno} uses {owner}.{node.attr}")
                elif (p := _private_module_violation(module, full)):
                    bad.append(f"{module}:{node.lineno} uses the private module {p}")
    return bad


def _all_files():
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _all_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_uses_another_modules_private_names(path):
    bad = private_imports(path.read_text(), _module_name(path), path.name == "__init__.py")
    assert not bad, "private names used from another module (make them public, or merge " \
                    "the modules):\n" + "\n".join(bad)


@pytest.mark.parametrize("source", [
    "from .contact import _contact_forces",
    "from chainsim.sweep.checks import (\n    SpecError,\n    _fail,\n)",
    "from ..plot.skeleton import _finish as finish",
    "from .. import dynamics\ndef f():\n    return dynamics._options",
    "import chainsim.dynamics as d\nd._OPTIONS",
    "import chainsim.dynamics\nchainsim.dynamics._OPTIONS",
    "from .. import plot\nplot.skeleton._finish()",
    "from ..plot._util import thing",
    "from ..plot import _util",
    "import chainsim.plot._util",
])
def test_the_checker_catches_a_private_name(source):
    assert private_imports(source, "chainsim.sweep.spec")


@pytest.mark.parametrize("source", [
    "from .checks import SpecError, check_axes",
    "from __future__ import annotations\nfrom .. import __version__",
    "from .contact import update_anchors as _update_anchors",      # a public name, aliased
    "import numpy as np\nnp._NoValue\nfrom numpy import _globals",  # not chainsim's
    "from . import categories\ncategories.check(1, 2)",
    "def f(self):\n    return self._x, x._y",      # not a module's attribute
    "from .._generated.model import LEG",          # private to chainsim: used inside it
    "from . import _private_helpers",               # hypothetical private module of sweep
])
def test_the_checker_allows_public_names_and_package_private_modules(source):
    is_module = lambda name: _is_module(name) or name == "chainsim.sweep._private_helpers"
    assert private_imports(source, "chainsim.sweep.spec", is_module=is_module) == []


# ---------------------------------------------------------------------------- import cycles

def import_edges(source: str, module: str, is_package: bool = False,
                 is_module=_is_module) -> list[tuple[str, int]]:
    """``(chainsim module, line)`` for each chainsim module that ``source`` (the module
    ``module``) imports, at the top or inside a function, with these rules:

    * ``import a.b.c`` and ``from a.b.c import x`` run ``a``, ``a.b`` and ``a.b.c``: an edge
      to each, but none to a package that contains ``module``: importing ``module`` has
      already started its packages' ``__init__``, so they add no order (otherwise every
      ``chainsim.x`` importing ``chainsim.y`` would close a cycle through
      ``chainsim/__init__.py``, which imports both);
    * ``from P import x`` where ``P.x`` is a module imports ``P.x`` (and ``P`` by the first
      rule: ``from . import x`` in ``P.y`` is an edge to ``P.x`` alone); where ``x`` is any
      other name it takes ``x`` from ``P/__init__.py``: an edge to ``P`` even when ``P``
      contains ``module``, since that name must be bound before ``P``'s ``__init__`` imports
      ``module``;
    * calls that import by name (``import_module``) are out of reach and not counted.
    """
    edges = []

    def with_parents(target, line):
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            name = ".".join(parts[:i])
            if is_module(name) and not (_inside(module, name) and name != module):
                edges.append((name, line))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                with_parents(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(node, module, is_package)
            if not _ours(base):
                continue
            with_parents(base, node.lineno)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if is_module(full):
                    edges.append((full, node.lineno))
                elif _inside(module, base) and base != module and alias.name != "*":
                    edges.append((base, node.lineno))
    return [(m, line) for m, line in edges if m != module]


def import_graph(files=None) -> dict[str, dict[str, int]]:
    """chainsim's modules -> the modules each imports (-> the line of the first import)."""
    graph = {}
    for path in files if files is not None else _all_files():
        module = _module_name(path)
        out = graph.setdefault(module, {})
        for target, line in import_edges(path.read_text(), module, path.name == "__init__.py"):
            out.setdefault(target, line)
    return graph


def _shortest_cycle(graph, group) -> list[str]:
    """The shortest cycle within ``group`` (breadth-first from each module in turn)."""
    best = None
    for start in sorted(group):
        paths, seen = [[start]], {start}
        while paths and (best is None or len(paths[0]) + 1 < len(best)):
            nxt = []
            for path in paths:
                for w in sorted(graph.get(path[-1], ())):
                    if w == start:
                        if best is None or len(path) + 1 < len(best):
                            best = path + [start]
                    elif w in group and w not in seen:
                        seen.add(w)
                        nxt.append(path + [w])
            paths = nxt
    return best


def cycles(graph: dict[str, dict[str, int]]) -> list[tuple[list[str], list[str]]]:
    """``(shortest cycle, every module on a cycle with it)`` for each group of modules that
    import each other, directly or not (Tarjan's strongly connected components)."""
    index, low, stack, on, groups = {}, {}, [], set(), []

    def connect(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(set(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return sorted((_shortest_cycle(graph, g), sorted(g)) for g in groups)


def describe(cycle: list[str], group: list[str], graph) -> str:
    """``a --(line 3)--> b --(line 7)--> a``: each module and the line where it imports the
    next; then the group's other modules, if any."""
    text = "".join(f"{a} --(line {graph[a][b]})--> " for a, b in zip(cycle, cycle[1:]))
    text += cycle[-1]
    others = [m for m in group if m not in cycle]
    return text + (f"\n    (on cycles with these too: {', '.join(others)})" if others else "")


def test_the_import_graph_has_modules_and_edges():
    graph = import_graph()
    assert "chainsim.statics" in graph["chainsim"]
    assert "chainsim.core.batch" in graph["chainsim.statics"]
    assert "chainsim" not in graph["chainsim.statics"]          # its own package


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(describe(c, g, graph) for c, g in found)


def _graph_of(sources: dict[str, str]):
    """The import graph of made-up modules ``{module name: source}`` (``__init__`` for a
    package's own source)."""
    modules = {m.removesuffix(".__init__") for m in sources}
    is_module = lambda name: name in modules
    graph = {}
    for m, src in sources.items():
        name = m.removesuffix(".__init__")
        graph[name] = {t: line for t, line in import_edges(src, name, m.endswith("__init__"),
                                                           is_module=is_module)}
    return graph


@pytest.mark.parametrize("sources", [
    {"chainsim.a": "from .b import f", "chainsim.b": "def f():\n    from .a import g"},
    {"chainsim.a": "import chainsim.b", "chainsim.b": "from chainsim import c",
     "chainsim.c": "from . import a"},
    # a package's __init__ imports a module that takes a name from that __init__
    {"chainsim.p.__init__": "from .m import f\nX = 1", "chainsim.p.m": "from . import X"},
    # a module that imports a package whose __init__ imports it back
    {"chainsim.p.__init__": "from chainsim.q import g", "chainsim.p.m": "",
     "chainsim.q": "from .p import m"},
])
def test_the_checker_catches_a_cycle(sources):
    graph = _graph_of(sources)
    found = cycles(graph)
    assert len(found) == 1
    cycle, group = found[0]
    assert cycle[0] == cycle[-1] and sorted(set(cycle)) == group
    assert describe(cycle, group, graph).count("-->") == len(cycle) - 1


@pytest.mark.parametrize("sources", [
    # chainsim/__init__ imports its modules, which import each other, their own packages and
    # their packages' modules
    {"chainsim.__init__": "from .a import f\nfrom . import p", "chainsim.a": "from .p import m",
     "chainsim.p.__init__": "from .m import g", "chainsim.p.m": "from . import n\nimport chainsim",
     "chainsim.p.n": "import chainsim.p\nfrom chainsim import c", "chainsim.c": "X = 1"},
])
def test_the_checker_allows_a_package_importing_its_modules(sources):
    assert cycles(_graph_of(sources)) == []
