"""Write the symbolic chain and energy elements as a module of numba functions.

Run ``python -m chainsim.symbolic.codegen`` (or ``make generate``) after changing
``chain.py`` or ``energies.py``; it rewrites ``chainsim/_generated/model.py``.  The tests
regenerate the source and compare it with the committed file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import sympy as sp
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pycode import PythonCodePrinter

from . import chain as ch
from .energies import ELEMENTS, IMPLICIT, x

TARGET = Path(__file__).resolve().parents[1] / "_generated" / "model.py"


class _Printer(PythonCodePrinter):
    """Python code, with powers of +-3/2 as square roots (``x**(-3/2)`` would call the
    general ``pow``, several times slower than ``math.sqrt``)."""

    def _print_Pow(self, expr, rational=False):
        b, e = expr.base, expr.exp
        if e.is_Rational and e.q == 2 and abs(e.p) == 3:
            whole = f"{self.parenthesize(b, PRECEDENCE['Mul'])}*math.sqrt({self._print(b)})"
            return f"({whole})" if e.p > 0 else f"(1/({whole}))"
        return super()._print_Pow(expr, rational)


_printer = _Printer({"fully_qualified_modules": True, "standard": "python3"})


def _code(e) -> str:
    if isinstance(e, sp.Expr) and e.is_Number:
        return repr(float(e))
    return _printer.doprint(e)


def _emit(body: list[str], assigns: list[tuple[str, sp.Expr]], inputs: dict, indent="    ") -> None:
    """Common-subexpression-eliminate ``assigns`` and append the statements to ``body``."""
    names = [a for a, _ in assigns]
    exprs = [e for _, e in assigns]
    syms = sp.numbered_symbols("t")
    repl, red = sp.cse(exprs, symbols=syms, order="none")
    for name, sym in inputs.items():
        body.append(f"{indent}{sym} = {name}")
    for s, e in repl:
        body.append(f"{indent}{s} = {_code(e)}")
    for n, e in zip(names, red):
        body.append(f"{indent}{n} = {_code(e)}")


def _kinematics_function(name: str, c: ch.Chain, point_names, segment_names, param_names, doc: str):
    inputs = {f"q[{i}]": s for i, s in enumerate(c.q)}
    inputs.update({f"p[{i}]": c.params[n] for i, n in enumerate(param_names)})
    assigns = []
    for k, (a, o) in enumerate(zip(c.axes, c.origins)):
        for j in range(3):
            assigns.append((f"axes[{k}, {j}]", a[j]))
            assigns.append((f"origins[{k}, {j}]", o[j]))
    for k, pn in enumerate(point_names):
        for j in range(3):
            assigns.append((f"points[{k}, {j}]", c.points[pn][j]))
    for k, sn in enumerate(segment_names):
        for i in range(3):
            for j in range(3):
                assigns.append((f"frames[{k}, {i}, {j}]", c.frames[sn][i, j]))
    # constants (zeros, ones) need no inputs; drop inputs that the expressions do not use
    used = set().union(*(e.free_symbols for _, e in assigns if hasattr(e, "free_symbols")))
    inputs = {k: v for k, v in inputs.items() if v in used}
    body = [
        "@jit",
        f"def {name}(q, p, axes, origins, points, frames):",
        f'    """{doc}"""',
    ]
    _emit(body, assigns, inputs)
    return body


def _element_function(name: str) -> list[str]:
    e, consts = ELEMENTS[name]()
    args = ", ".join(["x"] + [str(s) for s in consts])
    body = [
        "@jit",
        f"def {name}({args}):",
        f'    """Element ``{name}``: returns (E, dE/dx, d2E/dx2).\n\n    E = {sp.sstr(e)}\n    """',
    ]
    # one branch per piece, so that no branch evaluates another's expressions
    e = sp.piecewise_fold(e)
    pieces = e.args if isinstance(e, sp.Piecewise) else ((e, sp.true),)
    for k, (piece, cond) in enumerate(pieces):
        indent = "    "
        if cond != sp.true:
            body.append(f"    {'if' if k == 0 else 'elif'} {_code(cond)}:")
            indent = "        "
        elif k > 0:
            body.append("    else:")
            indent = "        "
        de = sp.diff(piece, x)
        if piece.has(*IMPLICIT):
            de = sp.cancel(de)    # the implicit derivative cancels against its inverse
        # (doit: implicitly defined functions, differentiated as such, take their closed form)
        _emit(body, [("e0", piece.doit()), ("e1", de.doit()), ("e2", sp.diff(de, x).doit())], {},
              indent)
        body.append(f"{indent}return e0, e1, e2")
    return body


def _doc_kin(c: ch.Chain, points, segments, params) -> str:
    return (
        "Kinematics: fill world axes/origins of every coordinate, points and segment frames.\n\n"
        f"    q      : {', '.join(str(s) for s in c.q)}\n"
        f"    p      : {', '.join(params)}\n"
        f"    points : {', '.join(points)}\n"
        f"    frames : {', '.join(segments)}\n"
        "    "
    )


def source() -> str:
    """Return the generated module's source text."""
    leg = ch.leg_chain()
    trunk = ch.trunk_chain()
    leg_points = [n for n, _ in ch.LEG_POINTS]
    leg_segs = [n for n, _ in ch.LEG_SEGMENTS]
    trunk_points = [n for n, _ in ch.TRUNK_POINTS]
    trunk_segs = [n for n, _ in ch.TRUNK_SEGMENTS]
    seg_last = dict(ch.LEG_SEGMENTS)
    tseg_last = dict(ch.TRUNK_SEGMENTS)
    lines = [
        '"""Generated by ``python -m chainsim.symbolic.codegen`` -- do not edit by hand.',
        "",
        "Source: chainsim/symbolic/chain.py (kinematics) and chainsim/symbolic/energies.py",
        f"(energy elements), sympy {sp.__version__}.  Regenerate with ``make generate``.",
        '"""',
        "# fmt: off",
        "# ruff: noqa",
        "import math",
        "",
        "from chainsim.core.jit import jit",
        "",
        f"BASE = {tuple(ch.BASE)!r}",
        f"LEG = {tuple(ch.LEG)!r}",
        f"LUMBAR = {tuple(ch.LUMBAR)!r}",
        f"LEG_PARAMS = {tuple(ch.LEG_PARAMS)!r}",
        f"TRUNK_PARAMS = {tuple(ch.TRUNK_PARAMS)!r}",
        f"LEG_POINTS = {tuple(leg_points)!r}",
        f"LEG_SEGMENTS = {tuple(leg_segs)!r}",
        f"TRUNK_POINTS = {tuple(trunk_points)!r}",
        f"TRUNK_SEGMENTS = {tuple(trunk_segs)!r}",
        "#: index of the last coordinate that moves each leg point / segment",
        f"LEG_POINT_LAST = {tuple(seg_last[s] for _, s in ch.LEG_POINTS)!r}",
        f"LEG_SEGMENT_LAST = {tuple(seg_last[s] for s in leg_segs)!r}",
        f"TRUNK_SEGMENT_LAST = {tuple(tseg_last[s] for s in trunk_segs)!r}",
        f"TRUNK_POINT_LAST = {tuple(tseg_last[s] for _, s in ch.TRUNK_POINTS)!r}",
        "",
        "",
    ]
    lines += _kinematics_function(
        "leg_kinematics", leg, leg_points, leg_segs, ch.LEG_PARAMS,
        _doc_kin(leg, leg_points, leg_segs, ch.LEG_PARAMS),
    )
    lines += ["", ""]
    lines += _kinematics_function(
        "trunk_kinematics", trunk, trunk_points, trunk_segs, ch.TRUNK_PARAMS,
        _doc_kin(trunk, trunk_points, trunk_segs, ch.TRUNK_PARAMS),
    )
    for name in ELEMENTS:
        lines += ["", ""] + _element_function(name)
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    text = source()
    TARGET.write_text(text)
    print(f"wrote {TARGET} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
