"""The compiled core knows only arrays: chainsim/core and chainsim/_generated import nothing
from the layers above them (names, units, validation, plotting, the symbolic derivation).

Checked statically, by parsing every import statement (including those inside functions), so
the check does not depend on what happens to be imported at run time.
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
