"""Impacts: the ground reaction and the forces it sends up the chain, over time."""

from __future__ import annotations

import numpy as np

from ._util import GID, dataset, kind, legend_outside, new_ax
from ..arguments import ParameterError

#: The forces of an impact from the ground up: (label, variable; ``{s}`` is the side).
FORCES = (("ground", "{s}.grf_bw"), ("ankle", "{s}.ankle_force_bw"), ("knee", "{s}.knee_force_bw"),
          ("hip", "{s}.hip_force_bw"), ("L5/S1", "lumbar.l5s1_force_bw"))


def impact_dataset(result, fn="impact_series", index=None):
    """The time-series Dataset of one impact (or the Dataset itself); refuses others.

    A batch of impacts (``chainsim.impact_batch``: dimensions ``impact`` and ``time``) needs
    ``index``, the impact to take.
    """
    ds = dataset(result, fn)
    if "time" not in ds.sizes:
        raise ParameterError(f"{fn} draws an impact (a Dataset over 'time', from chainsim.impact); "
                        f"got {kind(ds)}")
    extra = [d for d in ds.sizes if d != "time"]
    if index is not None:
        if "impact" not in ds.sizes:
            raise ParameterError(f"{fn}: index = {index} given, but this is one impact")
        ds = ds.isel(impact=index)
    elif extra:
        raise ParameterError(f"{fn} draws one impact; this dataset has dimensions "
                         f"{', '.join(extra)} besides time: choose one with index=")
    return ds


def scalars(result, index=None) -> dict:
    """The impact's summary numbers (``impact_peak_bw``, ``loading_rate_bw_per_s``, ...)."""
    ds = impact_dataset(result, "scalars", index)
    out = {} if index is not None else dict(getattr(result, "scalars", None) or {})
    for k, v in ds.attrs.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.setdefault(k, v)
    for k, v in ds.data_vars.items():                 # a batch keeps them as variables
        if v.ndim == 0 and v.dtype.kind in "fi":
            out.setdefault(k, float(v))
    return out


def impact_series(result, side="left", ax=None, arch=False, forces=FORCES, index=None):
    """The ground reaction and the transmitted joint forces of an impact, in BW over time.

    Parameters
    ----------
    result : impact result or xarray.Dataset
        ``chainsim.impact(...)`` (or its ``.dataset``): variables over ``time`` in seconds.
    side : {"left", "right"}
        The landing leg to show.
    ax : matplotlib.axes.Axes, optional
    arch : bool
        Also draw the arch deflection (mm) on a second y axis (``ax.chainsim_arch_ax``).
    forces : sequence of (label, variable)
        Which forces (default :data:`FORCES`); those missing from the dataset are skipped.
    index : int, optional
        The impact to draw from a batch (``chainsim.impact_batch``).

    Returns
    -------
    matplotlib.axes.Axes
        One Line2D per force (``gid`` ``"chainsim.force"``); the impact peak and loading rate,
        when known, are in the title, and the peak is marked (``"chainsim.peak"``) when its
        time (``impact_time_s``) is known.

    Examples
    --------
    >>> import chainsim as cs
    >>> ax = impact_series(cs.impact(None, preset="running_heel_strike"))    # doctest: +SKIP
    """
    ds = impact_dataset(result, "impact_series", index)
    if side not in ("left", "right"):
        raise ParameterError(f"side = {side!r}; choose left or right")
    keys = [(lab, key.format(s=side)) for lab, key in forces]
    present = [(lab, key) for lab, key in keys if key in ds.data_vars]
    if not present:
        raise ParameterError(f"impact_series: none of {', '.join(k for _, k in keys)} is in the dataset")
    ax = new_ax(ax, figsize=(8, 4))
    t_ms = ds["time"].values * 1e3
    for lab, key in present:
        (ln,) = ax.plot(t_ms, ds[key].values, label=lab, lw=1.5)
        ln.set_gid(GID + "force")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("force (BW)")
    ax.grid(alpha=0.3)
    sc = scalars(result, index)
    parts = []
    if "impact_peak_bw" in sc:
        peak = sc["impact_peak_bw"]
        if np.isfinite(peak):
            parts.append(f"impact peak {peak:.2f} BW")
            if np.isfinite(sc.get("impact_time_s", np.nan)):
                (m,) = ax.plot([sc["impact_time_s"] * 1e3], [peak], "v", color="k", ms=6)
                m.set_gid(GID + "peak")
        else:
            parts.append("no impact peak")
    if "loading_rate_bw_per_s" in sc:
        parts.append(f"loading rate {sc['loading_rate_bw_per_s']:.0f} BW/s")
    ax.set_title(", ".join(parts) or f"impact ({side})", fontsize=9)
    handles, labels = ax.get_legend_handles_labels()
    key = f"{side}.arch_deflection_mm"
    if arch and key in ds.data_vars:
        tw = ax.twinx()
        (ln,) = tw.plot(t_ms, ds[key].values, "k--", lw=1, label="arch deflection")
        ln.set_gid(GID + "arch")
        tw.set_ylabel("arch deflection (mm)")
        ax.chainsim_arch_ax = tw
        handles.append(ln)
        labels.append("arch deflection")
    # beside the axes (or beyond the arch deflection's axis), off the curves
    twin = arch and key in ds.data_vars
    legend_outside(ax, handles, labels, where="below" if twin else "right",
                   ncols=min(len(labels), 6) if twin else 1)
    return ax
