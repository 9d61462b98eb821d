"""Install by need: a solve, an impact and the command line's ``solve`` and ``impact`` import
none of the extras' packages (the core, ``pip install chainsim``), and a missing extra is named
by the ImportError where it is needed (simulated in a fresh process by a finder that refuses
the extras' packages)."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
try:
    import tomllib
except ModuleNotFoundError:         # Python 3.10
    import tomli as tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The packages of the extras (sweep, symbolic, jupyter) and what they bring (pandas).
EXTRAS = ("dask", "distributed", "zarr", "SALib", "sympy", "xarray", "pandas", "ipywidgets",
          "IPython")


def _python(code: str, timeout=600) -> str:
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=timeout)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_the_core_path_imports_no_extra():
    out = _python(f"""
import contextlib, io, json, sys
import chainsim as cs
from chainsim.cli import main
cs.solve()
r = cs.impact(None)
r["left.grf_bw"], r["time"], r.scalars
import tempfile, pathlib
out = pathlib.Path(tempfile.mkdtemp()) / "impact.csv"
with contextlib.redirect_stdout(io.StringIO()):
    assert main(["solve"]) == 0
    main(["impact"])
    main(["impact", "--out", str(out), "--option", "duration_s=0.01"])   # CSV: no extra
assert out.read_text().startswith("time [s],")
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({EXTRAS!r}))))
""")
    assert json.loads(out.splitlines()[-1]) == []


BLOCKER = """
import sys
BLOCKED = {"xarray", "zarr", "dask", "distributed", "SALib", "sympy", "ipywidgets", "IPython",
           "pandas"}

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, Blocker())

def refused(f):
    try:
        f()
    except ImportError as e:
        return str(e)
    return "no ImportError"
"""


def test_a_missing_extra_is_named():
    out = _python(BLOCKER + """
import json
import chainsim as cs
from chainsim.dynamics import _dataset
from chainsim.widgets import Explorer

def symbolic():
    import chainsim.symbolic

print(json.dumps({
    "sweep.run": refused(lambda: cs.sweep.run),
    "sweep.run_sensitivity": refused(lambda: cs.sweep.run_sensitivity),
    "sweep.open_store": refused(lambda: cs.sweep.open_store),
    "dataset": refused(lambda: _dataset(None, None, None, None, None, False, None)),
    "symbolic": refused(symbolic),
    "widgets": refused(lambda: Explorer._build(object.__new__(Explorer))),
}))
print(cs.sweep.grid({"both.pronation_deg": [0, 5]}).size)     # a spec needs no extra
""")
    lines = out.splitlines()
    found = json.loads(lines[-2])
    for key, extra in (("sweep.run", "sweep"), ("sweep.run_sensitivity", "sweep"),
                       ("sweep.open_store", "sweep"), ("dataset", "sweep"),
                       ("symbolic", "symbolic"), ("widgets", "jupyter")):
        assert f"pip install 'chainsim[{extra}]'" in found[key], (key, found[key])
    assert "xarray" in found["sweep.run"] and "sympy" in found["symbolic"]
    assert "ipywidgets" in found["widgets"]


def test_the_core_dependencies_and_the_extras():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    name = lambda req: re.match(r"[A-Za-z0-9_.-]+", req).group(0).lower()   # noqa: E731
    core = {name(r) for r in meta["dependencies"]}
    assert core == {"numpy", "scipy", "numba", "matplotlib", "tqdm", "tomli-w", "tomli"}
    extras = {k: {name(r) for r in v} for k, v in meta["optional-dependencies"].items()}
    assert {"xarray", "zarr", "dask", "distributed", "salib"} <= extras["sweep"]
    assert extras["symbolic"] == {"sympy"} and {"ipywidgets", "ipykernel"} <= extras["jupyter"]
    assert "chainsim" in extras["test"] and "pytest" in extras["test"]
    # the test extra takes every other one
    test = next(r for r in meta["optional-dependencies"]["test"] if r.startswith("chainsim["))
    assert set(re.findall(r"\w+", test.partition("[")[2])) >= {"sweep", "jupyter", "symbolic"}


def test_one_version_read_without_importing():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" in meta["project"]["dynamic"] and "version" not in meta["project"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "chainsim.__version__"}
    tree = ast.parse((ROOT / "chainsim" / "__init__.py").read_text())
    literal = [n.value.value for n in tree.body if isinstance(n, ast.Assign)
               and [getattr(t, "id", None) for t in n.targets] == ["__version__"]
               and isinstance(n.value, ast.Constant)]
    assert len(literal) == 1 and re.fullmatch(r"\d+\.\d+\.\d+", literal[0])
    assert f"version: {literal[0]}" in (ROOT / "CITATION.cff").read_text()
    assert (ROOT / "chainsim" / "py.typed").exists()


def test_warmup_help():
    p = subprocess.run([sys.executable, "-m", "chainsim", "warmup", "--help"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "warmup" in p.stdout
    p = subprocess.run([sys.executable, "-m", "chainsim", "warmup", "extra"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and p.stderr.count("\n") == 1


def test_the_command_line_names_a_missing_extra_in_one_line():
    out = _python(BLOCKER + """
import contextlib, io, json
from chainsim.cli import main
codes, errors = {}, {}
for name, argv in (("sensitivity", ["sensitivity", "examples/sensitivity.toml"]),
                   ("impact --out", ["impact", "--out", "/tmp/chainsim-no-extra.nc"]),
                   ("sweep --out", ["sweep", "examples/sweep.toml", "--out",
                                    "/tmp/chainsim-no-extra.zarr", "--quiet"])):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        codes[name] = main(argv)
    errors[name] = err.getvalue()
print(json.dumps({"codes": codes, "errors": errors}))
""")
    found = json.loads(out.splitlines()[-1])
    for name, code in found["codes"].items():
        err = found["errors"][name]
        assert code == 2, (name, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, (name, err)
        assert "pip install 'chainsim[sweep]'" in err, (name, err)
