"""Compiled code never outlives its source, wherever numba keeps its cache.

numba invalidates a cached function only when its own file changes; ``chainsim.core.jit``
drops the cache of the whole compiled core when any of its sources changes.  These tests run
a scratch copy of the package in fresh processes, with ``NUMBA_CACHE_DIR`` pointing elsewhere
(numba then keeps index and data files in a per-source-folder tree under it), and with the
cache next to the sources; the kernel compiled is the small Cholesky factorisation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "chainsim"
STAMP = "chainsim-compiled.sha256"

COMPILE = """
import numpy as np
from chainsim.core.linalg import cholesky
A = np.array([[4.0, 2.0], [2.0, 3.0]])
L = np.zeros((2, 2))
assert cholesky(A, 0.0, L)
print(L[1, 1])
"""
IMPORT = "import chainsim.core.jit"


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    shutil.copytree(PACKAGE, root / "chainsim",
                    ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc", "*.pyc"))
    return root


def _run(root: Path, code: str, cache_dir: Path | None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "PYTHONPATH")}
    env.update(PYTHONPATH=str(root), CHAINSIM_CACHE="1")
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = str(cache_dir)
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _core_cache(root: Path, cache_dir: Path | None) -> Path:
    if cache_dir is None:
        return root / "chainsim" / "core" / "__pycache__"
    found = sorted(cache_dir.glob("core_*"))          # numba's <folder>_<sha1 of its path>
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("where", ["NUMBA_CACHE_DIR", "next to the sources"])
def test_a_changed_core_source_drops_the_cache(tmp_path, where):
    root = _copy(tmp_path)
    cache_dir = tmp_path / "numba-cache" if where == "NUMBA_CACHE_DIR" else None
    _run(root, COMPILE, cache_dir)
    cache = _core_cache(root, cache_dir)
    compiled = sorted(cache.glob("linalg.cholesky-*.nb[ic]"))
    assert any(f.suffix == ".nbi" for f in compiled) and any(f.suffix == ".nbc" for f in compiled)
    stamp = (cache / STAMP).read_text()
    if cache_dir is not None:              # numba put nothing next to the sources
        assert not list((root / "chainsim" / "core").glob("__pycache__/*.nb[ic]"))

    # unchanged sources: a new process keeps the cache (and loads from it)
    mtimes = {f: f.stat().st_mtime_ns for f in compiled}
    _run(root, COMPILE, cache_dir)
    assert {f: f.stat().st_mtime_ns for f in compiled if f.exists()} == mtimes
    assert (cache / STAMP).read_text() == stamp

    # a change in another file of the core (not the kernel's own, which numba would notice)
    energy = root / "chainsim" / "core" / "energy.py"
    energy.write_text(energy.read_text() + "\n# changed\n")
    _run(root, IMPORT, cache_dir)
    assert not list(cache.glob("*.nb[ic]")), "stale compiled code kept"
    assert (cache / STAMP).read_text() != stamp
    later = (list(cache_dir.glob("dynamics_*")) if cache_dir is not None
             else [root / "chainsim" / "core" / "dynamics" / "__pycache__"])
    for d in later:                             # the later layer (dynamics) is dropped too
        assert not list(d.glob("*.nb[ic]"))
    # and the kernel compiles again from the changed sources
    assert float(_run(root, COMPILE, cache_dir)) == pytest.approx(2 ** 0.5)
    assert list(cache.glob("linalg.cholesky-*.nbi"))


def test_cache_dirs_follow_numba_cache_dir(tmp_path, monkeypatch):
    """``cache_dirs`` reports numba's own choice: NUMBA_CACHE_DIR's tree when it is set."""
    from numba.core import config

    from chainsim.core import jit

    source = PACKAGE / "core" / "__init__.py"
    used, every = jit.cache_dirs(source)
    assert PACKAGE / "core" / "__pycache__" in every
    monkeypatch.setattr(config, "CACHE_DIR", str(tmp_path))
    used, every = jit.cache_dirs(source)
    assert used.parent == tmp_path and used.name.startswith("core_")
    assert used in every and PACKAGE / "core" / "__pycache__" in every
