"""Names, units and sign conventions of every output, from the generated layout (declared in
``chainsim/symbolic/boundary.py``; used by the results, the CLI, the sweeps and the docs)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._generated import layout as L

#: raw (SI) -> user unit, by the user unit; other units are reported as computed
SCALE = {"deg": 180.0 / np.pi, "mm": 1000.0}


@dataclass(frozen=True)
class Output:
    name: str
    unit: str
    index: int          # column in the raw output array
    scale: float        # raw (SI / BW / N m/kg) -> user unit
    sign: str           # what positive means


def _slots():
    """(name, unit, raw column, sign) of every slot with a user name, in the table's order."""
    for i, (key, unit, sign) in enumerate(L.GLOBAL_OUTPUTS):
        yield key, unit, i, sign
    for k, side in enumerate(("left", "right")):
        base = L.NGLOBAL_OUT + k * L.NSIDE_OUT
        for i, (key, unit, sign) in enumerate(L.SIDE_OUTPUTS):
            if key is not None:
                yield key.format(side=side), unit, base + i, sign


def _build():
    # display order: the legs, then the global outputs, the equilibrium checks last
    order = sorted(_slots(), key=lambda s: (s[0].startswith("check."),
                                            not s[0].startswith(("left.", "right."))))
    return {name: Output(name, unit, i, SCALE.get(unit, 1.0), sign)
            for name, unit, i, sign in order}


#: Every output by name, in display order (left, right, pelvis, lumbar, trunk, balance, checks).
OUTPUTS: dict[str, Output] = _build()
#: The outputs a user sees (without the equilibrium checks).
PUBLIC = tuple(k for k in OUTPUTS if not k.startswith("check."))


def unpack(raw_out: np.ndarray) -> dict:
    """Named outputs in user units from raw output rows of shape (N, NOUT)."""
    return {k: raw_out[:, o.index] * o.scale for k, o in OUTPUTS.items()}
