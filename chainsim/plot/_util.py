"""Shared helpers of the plotting modules: axes creation and checks of what was passed in."""

from __future__ import annotations

from ..arguments import ParameterError

#: ``gid`` given to the artists each helper draws, so tests and users can find them.
GID = "chainsim."
#: Resolution of the figures the helpers make (their own dpi, and so ``savefig``'s default).
DPI = 150


def new_figure(figsize, **kw):
    """A pyplot figure at :data:`DPI` with constrained layout."""
    import matplotlib.pyplot as plt

    kw.setdefault("layout", "constrained")
    return plt.figure(figsize=figsize, dpi=DPI, **kw)


def new_ax(ax=None, figsize=(4, 4), projection=None):
    """``ax`` itself, or the axes of a new figure."""
    if ax is not None:
        if projection == "3d" and getattr(ax, "name", "") != "3d":
            raise ParameterError("a 3-D view needs 3-D axes: fig.add_subplot(projection='3d')")
        return ax
    return new_figure(figsize).add_subplot(projection=projection)


def legend_outside(ax, handles=None, labels=None, where="right", **kw):
    """A legend beside the axes (``"right"``) or under them (``"below"``), off the drawing."""
    kw.setdefault("fontsize", 8)
    if where == "right":
        kw.update(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    else:                  # under the tick labels and the axis label: a fixed 44 points down
        from matplotlib.transforms import ScaledTranslation

        shift = ScaledTranslation(0, -44 / 72, ax.figure.dpi_scale_trans)
        kw.update(loc="upper center", bbox_to_anchor=(0.5, 0.0), borderaxespad=0.0,
                  bbox_transform=ax.transAxes + shift)
    args = () if handles is None else (handles, labels)
    return ax.legend(*args, **kw)


def kind(obj) -> str:
    """A short description of what ``obj`` is, for error messages."""
    from ..compare import Comparison
    from ..model import Model
    from ..statics import BatchResult, StaticResult

    if isinstance(obj, StaticResult):
        return "a static result (chainsim.solve)"
    if isinstance(obj, BatchResult):
        return f"a batch of {len(obj.status_code)} results (pick one with .result(i))"
    if isinstance(obj, Comparison):
        return "a comparison (chainsim.compare)"
    if isinstance(obj, Model):
        return "a Model (solve it first: chainsim.solve(model))"
    if hasattr(obj, "data_vars") and hasattr(obj, "dims"):
        dims = dict(obj.sizes)
        if "time" in dims:
            return "an impact time series (a Dataset over time)"
        if {"output", "parameter"} <= set(dims) and "ST" in obj.data_vars:
            return "Sobol' indices (chainsim.sweep.sobol)"
        if {"parameter", "end"} <= set(dims):
            return "a one-at-a-time (tornado) dataset (chainsim.sweep.tornado)"
        return f"a sweep dataset over {', '.join(f'{k} ({v})' for k, v in dims.items())}"
    if hasattr(obj, "dataset") and hasattr(getattr(obj, "dataset"), "data_vars"):
        return "an impact result"
    return f"a {type(obj).__name__}"


def static(result, fn: str):
    """``result`` if it is one standing equilibrium, else a TypeError saying what it is."""
    from ..statics import StaticResult

    if isinstance(result, StaticResult):
        if not result.ok:
            raise ParameterError(f"{fn}: the result's status is {result.status!r}; it has no "
                             "equilibrium to draw")
        return result
    raise ParameterError(f"{fn} draws one static result (chainsim.solve(...)); got {kind(result)}")


def dataset(obj, fn: str):
    """The xarray Dataset in ``obj`` (a Dataset, or a result holding one in ``.dataset``)."""
    if hasattr(obj, "data_vars"):
        return obj
    ds = getattr(obj, "dataset", None)
    if ds is not None and hasattr(ds, "data_vars"):
        return ds
    raise ParameterError(f"{fn} needs an xarray.Dataset; got {kind(obj)}")


def variable(ds, output: str, fn: str):
    """``ds[output]``, or a KeyError naming the variables there are."""
    if output not in ds.data_vars:
        import difflib

        names = [v for v in ds.data_vars if v not in ("status", "iterations", "residual")]
        close = difflib.get_close_matches(output, names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(f"{fn}: no variable {output!r} in the dataset{hint}; it has "
                       f"{', '.join(names[:12])}{' ...' if len(names) > 12 else ''}")
    return ds[output]


def label(name: str, units: str | None = None) -> str:
    """An axis label from an output or parameter key: ``"pelvis.tilt_deg"`` -> ``pelvis tilt (deg)``."""
    from ..outputs import OUTPUTS
    from ..params import REGISTRY

    name = name.removeprefix("param.")            # a swept parameter in a sweep's result
    if units is None and name in OUTPUTS:
        units = OUTPUTS[name].unit
    elif units is None and name.replace("both.", "left.", 1) in REGISTRY:
        units = REGISTRY[name.replace("both.", "left.", 1)].unit
    base = name
    for suffix in ("_nm_per_kg", "_n_per_mm", "_deg", "_mm", "_bw", "_kg", "_ms", "_m"):
        if base.endswith(suffix) and units:
            base = base[: -len(suffix)]
            break
    base = base.replace(".", " ").replace("_", " ")
    return f"{base} ({units})" if units and units != "1" else base
