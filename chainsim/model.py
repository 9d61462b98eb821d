"""The model: a frozen, validated set of input parameters."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .arguments import check_instance, check_mapping
from .params import KEYS, REGISTRY, SIDES, check_combinations, defaults, expand


class Model(Mapping):
    """A subject standing on two feet, described by flat dotted parameters.

    Parameters
    ----------
    params : mapping, optional
        Values by key (``"left.wedge_deg"``, ``"both.pronation_deg"``, ...).
    **kwargs
        The same with ``__`` for the dot: ``Model(both__wedge_deg=10)``.

    Examples
    --------
    >>> m = Model({"both.wedge_deg": 10}, left__arch_stiffness_n_per_mm=60)
    >>> m["right.wedge_deg"]
    10.0
    >>> m.replace(left__pronation_deg=5)["left.pronation_deg"]
    5.0

    Notes
    -----
    A model never changes; :meth:`replace` returns a new one.  Unknown names and
    out-of-range values raise :class:`chainsim.params.ParameterError`.
    """

    __slots__ = ("_values",)

    def __init__(self, params: Mapping | None = None, **kwargs):
        values = defaults()
        given = check_mapping("params", params, optional=True)
        given.update({k.replace("__", "."): v for k, v in kwargs.items()})
        values.update(expand(given))
        check_combinations(values)
        object.__setattr__(self, "_values", values)

    def __setattr__(self, name, value):
        raise AttributeError("Model is immutable; use replace()")

    def __delattr__(self, name):
        raise AttributeError("Model is immutable; use replace()")

    def __getitem__(self, key):
        return self._values[key]

    def __iter__(self):
        return iter(KEYS)

    def __len__(self):
        return len(KEYS)

    def __hash__(self):
        return hash(tuple(self._values[k] for k in KEYS))

    def __eq__(self, other):
        return isinstance(other, Model) and self._values == other._values

    def _changed(self) -> dict:
        return {k: v for k, v in self._values.items() if v != REGISTRY[k].default}

    def __repr__(self):
        return f"Model({self._changed()!r})"

    def _repr_html_(self):
        from .report import html_table

        changed = self._changed()
        return html_table(f"Model: {len(changed)} parameters changed from the defaults",
                          ("parameter", "value", "unit"),
                          ((k, v, REGISTRY[k].unit) for k, v in changed.items()),
                          f"all {len(KEYS)} parameters: dict(model)")

    def replace(self, params: Mapping | None = None, **kwargs) -> Model:
        """Return a copy with some parameters changed."""
        new = dict(self._values)
        given = check_mapping("params", params, optional=True)
        given.update({k.replace("__", "."): v for k, v in kwargs.items()})
        new.update(expand(given))
        return Model(new)

    def mirrored(self) -> Model:
        """The same subject with left and right exchanged."""
        swap = {"left": "right", "right": "left"}
        new = {}
        for k, v in self._values.items():
            side, name = k.split(".", 1)
            new[f"{swap.get(side, side)}.{name}"] = v
        return Model(new)


def columns(models) -> dict:
    """Arrays of every parameter for a sequence of models (the batch path's input)."""
    models = list(models)
    for i, m in enumerate(models):
        check_instance(f"models[{i}]", m, Model, "a chainsim.Model")
    out = {}
    for key in KEYS:
        vals = [m[key] for m in models]
        if key == "subject.sex":
            out[key] = np.array(vals, dtype=object)
        elif REGISTRY[key].optional:
            out[key] = np.array([np.nan if v is None else v for v in vals], float)
        else:
            out[key] = np.array(vals, float)
    return out


__all__ = ["Model", "columns", "SIDES"]
