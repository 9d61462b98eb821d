"""Categorical sweep keys: condition presets and insoles, per side.

``left.preset``, ``right.preset`` and ``both.preset`` take what :func:`chainsim.conditions.parse`
accepts after ``SIDE=`` (``"normal"``, ``"flat_foot"``, ``"flat_foot+weak_hips"``,
``"leg_length_discrepancy:10"``); ``left.insole``, ``right.insole`` and ``both.insole`` a
catalogue insole (:data:`chainsim.insoles.CATALOGUE`), ``"none"`` (every insole field at its
default) or the path of an insole TOML file (read when the points are solved).

At each point they apply as ``chainsim solve --set ... --preset ... --insole ...`` does: the
point's own parameter values first, then the presets (scaling or adding to those values), then
the insoles (absolute values of the ``*.insole.*`` fields).  :func:`resolve` does so for a
whole chunk, one group of points per value.
"""

from __future__ import annotations

import difflib
import itertools
import math
from pathlib import Path

import numpy as np

from .. import conditions, insoles
from ..params import REGISTRY, SIDES, ParameterError, check_combinations, defaults

KINDS = ("preset", "insole")            # applied in this order
KEYS = tuple(f"{s}.{k}" for k in KINDS for s in (*SIDES, "both"))
NONE = "none"


class Refused(ParameterError):
    """A spec refused because of a categorical key; ``key`` is the spec key to blame."""

    def __init__(self, key: str, reason: str):
        super().__init__(reason)
        self.key = key


def kind(key: str) -> str:
    """``"preset"`` or ``"insole"``."""
    return key.rsplit(".", 1)[1]


def sides(key: str) -> tuple:
    """The sides a key acts on (``both.X``: left and right)."""
    side = key.split(".", 1)[0]
    return SIDES if side == "both" else (side,)


def targets(key: str) -> list:
    """What a categorical key sets: every ``SIDE.insole.*`` field for an insole, the pseudo-key
    ``SIDE.preset`` for a preset (one preset name per side; combine them with ``+``)."""
    if kind(key) == "preset":
        return [f"{s}.preset" for s in sides(key)]
    return [f"{s}.insole.{f}" for s in sides(key) for f in insoles.FIELDS]


def presets(key: str, value) -> list:
    """``[(side, name, size), ...]`` of a preset value, in the order they apply."""
    if not isinstance(value, str) or not value or "=" in value:
        raise ParameterError(f"{key} takes a preset name such as flat_foot, flat_foot+weak_hips "
                             f"or leg_length_discrepancy:10, got {value!r}; valid presets: "
                             f"{', '.join(conditions.CONDITIONS)}")
    return [item for s in sides(key) for item in conditions.parse(f"{s}={value}")]


def insole(value, side: str) -> insoles.Insole:
    """The insole a value puts under ``side``."""
    if value == NONE:
        return insoles.Insole(NONE)
    if isinstance(value, str) and value in insoles.CATALOGUE:
        return insoles.CATALOGUE[value]
    if isinstance(value, str) and value.endswith(".toml"):
        if not Path(value).is_file():
            raise ParameterError(f"insole file {value!r} does not exist (a path is taken from "
                                 "the working directory)")
        try:
            return insoles.Insole.load(value, side)
        except (OSError, ValueError) as e:
            raise ParameterError(f"insole file {value!r}: {e}") from None
    names = (NONE, *insoles.CATALOGUE)
    close = difflib.get_close_matches(str(value), names, n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise ParameterError(f"unknown insole {value!r}{hint}; valid insoles: {', '.join(names)}, "
                         "or the path of an insole .toml file")


def check(key: str, value) -> str:
    """``value`` validated for the categorical ``key`` (raises ParameterError)."""
    if kind(key) == "preset":
        presets(key, value)
    else:
        for s in sides(key):
            insole(value, s)
    return value


# ---------------------------------------------------------------------------- a chunk's columns

def _column(cols: dict, key: str, n: int) -> np.ndarray:
    v = cols.get(key, REGISTRY[key].default)
    return np.broadcast_to(np.asarray(np.nan if v is None else v, dtype=float), (n,))


def _assign(cols: dict, key: str, rows: np.ndarray, values, n: int) -> None:
    col = np.array(_column(cols, key, n))
    col[rows] = values
    cols[key] = col


def resolve(cols: dict, n: int) -> dict:
    """A chunk's parameter columns with its presets, then its insoles, applied.

    Parameters
    ----------
    cols : dict of str -> scalar or 1-D array of length ``n``
        Keys as in a spec: parameters (``both.X`` allowed) and categorical keys.
    n : int
        Number of points.

    Returns
    -------
    dict of str -> scalar or numpy.ndarray
        Full parameter keys, for :func:`chainsim.solve_columns`.
    """
    out = {}
    for key, v in cols.items():
        if key not in KEYS:
            out.update({f"{s}.{key[5:]}": v for s in SIDES} if key.startswith("both.")
                       else {key: v})
    for k in KINDS:
        for key in [c for c in cols if c in KEYS and kind(c) == k]:
            values = np.broadcast_to(np.asarray(cols[key], dtype=object), (n,))
            for value in sorted(set(values.tolist())):      # one group of points per value
                rows = values == value
                if k == "preset":
                    for side, name, size in presets(key, value):
                        changed = {f"{side}.{c.param}" for c in conditions.CONDITIONS[name].changes}
                        sub = {f: _column(out, f, n)[rows] for f in changed}
                        for f, x in conditions.apply_columns(sub, side, name, size).items():
                            _assign(out, f, rows, x, n)
                else:
                    for side in sides(key):
                        for f, x in insole(value, side).params(side).items():
                            _assign(out, f, rows, np.nan if x is None else x, n)
    return out


# ---------------------------------------------------------------------------- a spec's checks

def check_spec(params, fixed, design: str) -> None:
    """Refuse the presets and insoles of a spec that would fail at some point of the sweep.

    A preset must keep every parameter it changes in its valid range, and an arch support
    must stay below the foot's unloaded arch.  Presets scale or add, so they are affine in
    each parameter: checking the lowest and highest values a parameter takes in the spec
    (before presets) covers every point; the arch's height grows with stature and
    ``arch_height_scale``, so the shortest subject with the highest support is the worst.

    Parameters
    ----------
    params, fixed : tuple of (key, values) and of (key, value)
        As in :class:`~chainsim.sweep.SweepSpec` (already validated one by one).
    design : str

    Raises
    ------
    Refused
        With the spec key to blame and the reason.
    """
    table = "axes" if design == "grid" else "ranges"
    given = [(k, tuple(v), f"[{table}] {k}") for k, v in params]
    given += [(k, (v,), f"[fixed] {k}") for k, v in fixed]
    cats = {k: v for k, v, _ in given if k in KEYS}
    levels, origin = {}, {}                                 # full key -> values, where from
    for key, values, where in given:
        if key not in KEYS:
            for f in ([f"{s}.{key[5:]}" for s in SIDES] if key.startswith("both.") else [key]):
                levels[f], origin[f] = values, (key, where)

    def ends(f):
        """The lowest and highest value of ``f`` (all values of a text parameter)."""
        values = levels.get(f, (REGISTRY[f].default,))
        if REGISTRY[f].choices:
            return tuple(dict.fromkeys(values))
        x = [v for v in values if v is not None and not math.isnan(v)]
        return (min(x), max(x)) if x else (math.nan,)

    def said(f, v, i, many):
        where = origin.get(f, (None, "its default"))[1]
        return f"{v:g}: " + (f"the {('lowest', 'highest')[i]} value of {where}" if many else where)

    for key, values in cats.items():
        if kind(key) != "preset":
            continue
        for value in values:
            for side in sides(key):
                items = [it for it in presets(key, value) if it[0] == side]
                changed = {f"{side}.{c.param}" for _, name, _ in items
                           for c in conditions.CONDITIONS[name].changes}
                span = {f: ends(f) for f in changed}
                for i in range(2):
                    start = {f: e[min(i, len(e) - 1)] for f, e in span.items()}
                    state = dict(start)
                    try:
                        for s, name, size in items:
                            state.update(conditions.apply_columns(state, s, name, size))
                    except ParameterError as e:
                        f = next((f for f in changed if f" {f} " in str(e)), None)
                        hint = f" ({said(f, start[f], i, span[f][0] != span[f][-1])})" if f else ""
                        raise Refused(key, f"{key} = {value!r}: {e}{hint}") from None
    _check_supports(cats, ends, origin)


def _check_supports(cats: dict, ends, origin: dict) -> None:
    """Refuse an arch support higher than the unloaded arch at the worst corner of the sweep."""
    base = defaults()
    for side in SIDES:
        mine = {k: v for k, v in cats.items() if side in sides(k)}
        support, scale = f"{side}.insole.arch_support_mm", f"{side}.arch_height_scale"
        fixed = {"subject.height_m": ends("subject.height_m")[0],
                 support: ends(support)[-1]}
        for sex, sc, combo in itertools.product(ends("subject.sex"), ends(scale),
                                                itertools.product(*mine.values())):
            point = {**fixed, "subject.sex": sex, scale: sc, **dict(zip(mine, combo))}
            values = {**base, **{k: np.asarray(v).item() if np.ndim(v) == 0 else v[0]
                                 for k, v in resolve(point, 1).items()}}
            values[f"{'right' if side == 'left' else 'left'}.insole.arch_support_mm"] = 0.0
            try:
                check_combinations(values)
            except ParameterError as e:
                blame = [k for k in mine if kind(k) == "insole"]
                blame += [origin[f][0] for f in (support, scale, "subject.height_m",
                                                 "subject.sex") if f in origin]
                blame += list(mine)
                at = ", ".join(f"{k} = {v}" for k, v in zip(mine, combo))
                at += f"{', ' if at else ''}subject.height_m = {fixed['subject.height_m']:g}, " \
                      f"subject.sex = {sex}, {scale} = {sc:g} before presets"
                raise Refused(blame[0] if blame else "", f"{e} (at the point with {at})") from None
