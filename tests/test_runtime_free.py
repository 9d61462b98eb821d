"""Kernels compiled without numba's runtime (``chainsim.core.jit.jit``) hand back no arrays.

Such a kernel passes arrays without reference counting.  numba refuses an allocation or a
returned view in it, but lets it return an array it was given; a caller compiled with the
runtime would then release a reference it never received.  Checked statically: no ``@jit``
function of the compiled core returns one of its arguments, an alias of one, a part of one
(``w.points``) or a slice.  (An argument the function neither indexes nor reads an attribute
of is taken for a number: a kernel handing back an array it never touched would go unseen.)
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "chainsim"
SOURCES = sorted((PACKAGE / "core").rglob("*.py")) + sorted((PACKAGE / "_generated").glob("*.py"))


def _root(node):
    """Name at the root of ``a``, ``a.b``, ``a[i]``, ``a.b[i:j]`` (None for anything else)."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _may_be_array(node, derived) -> bool:
    """Whether a returned expression may be an array given to (or part of one given to) the
    function: a derived name, an attribute of one, or a slice of one.  An element ``a[i]``
    or ``a[i, j]`` is a number."""
    if isinstance(node, ast.Tuple):
        return any(_may_be_array(e, derived) for e in node.elts)
    if isinstance(node, ast.Name):
        return node.id in derived
    if isinstance(node, ast.Attribute):
        return _root(node) in derived
    if isinstance(node, ast.Subscript):
        index = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return _root(node) in derived and any(isinstance(i, ast.Slice) for i in index)
    return False


def _offenders(source: str, where: str):
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef):
            continue
        if not any(isinstance(d, ast.Name) and d.id == "jit" for d in fn.decorator_list):
            continue
        # the arguments used as arrays or tuples (indexed, or with attributes) ...
        args = {a.arg for a in fn.args.args}
        derived = {n.value.id for n in ast.walk(fn) if isinstance(n, (ast.Subscript, ast.Attribute))
                   and isinstance(n.value, ast.Name) and n.value.id in args}
        # ... and their aliases: x = arg, x = w.points, x = a[1:], x, y = a, b
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign):
                values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                for target in node.targets:
                    names = target.elts if isinstance(target, ast.Tuple) else [target]
                    if len(names) != len(values):
                        continue
                    for t, v in zip(names, values):
                        if isinstance(t, ast.Name) and _may_be_array(v, derived):
                            derived.add(t.id)
        for node in ast.walk(fn):
            if isinstance(node, ast.Return) and node.value is not None \
                    and _may_be_array(node.value, derived):
                yield f"{where}:{node.lineno} {fn.name} returns {ast.unparse(node.value)}"


def test_runtime_free_kernels_return_no_arrays():
    found = []
    for path in SOURCES:
        found += _offenders(path.read_text(), str(path.relative_to(PACKAGE)))
    assert len(SOURCES) > 10
    assert not found, "\n".join(found)


def test_the_check_catches_returned_arguments():
    src = '''
@jit
def a(x, w):
    x[0] = 1.0
    return x
@jit
def b(x, w):
    p = w.points
    return 1.0, p
@jit
def c(x, w):
    return x[1:3]
@jit
def d(x, w, m):
    y = x[0]
    return y, w.cref[1], x[0, 1], m
@jit_alloc
def e(x):
    return x
'''
    assert [o.split()[1] for o in _offenders(src, "t")] == ["a", "b", "c"]


def test_kernels_compile_without_reference_counting():
    """numba honours ``_nrt=False``: a kernel that slices arrays and passes them on has no
    runtime call in its code, where a function that allocates has many (a fresh process
    without the cache, so the code is compiled and can be inspected)."""
    code = """
import numpy as np
from chainsim._generated import layout
from chainsim.core import energy, outputs
from chainsim.pack import pack
s = pack({})[0][layout.SIDE_OFFSET[0]:layout.SIDE_OFFSET[0] + layout.NS].copy()
w, o = energy.new_work(), outputs.new_output_work()
energy.contact_forces(s, w.points[1], o.cf, o.f, o.dirs, o.coefs)
for f in (energy.contact_forces, energy.new_work):
    print(f.inspect_llvm(f.signatures[0]).count("NRT_"))
"""
    env = dict(os.environ, CHAINSIM_CACHE="0")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=300, check=True).stdout.split()
    kernel, allocating = map(int, out)
    assert allocating > 0
    assert kernel == 0
