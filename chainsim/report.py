"""Tables of results: plain text (one model, or a baseline and a changed model side by side),
and the compact HTML tables of the results' Jupyter views."""

from __future__ import annotations

from html import escape

from .outputs import OUTPUTS, PUBLIC

#: Side outputs in the order of the chain, foot to hip.
CHAIN_ORDER = (
    "subtalar_eversion_deg", "rearfoot_eversion_deg", "forefoot_eversion_deg", "arch_flattening_deg",
    "navicular_drop_mm", "arch_height_mm", "arch_height_index", "fascia_tension_bw",
    "toe_extension_deg", "heel_load_share", "forefoot_load_share", "midfoot_load_share",
    "toe_load_share", "cop_ml_mm", "cop_ap_mm", "grf_bw", "friction_demand",
    "ankle_dorsiflexion_deg", "ankle_force_bw", "ankle_dorsiflexion_moment_nm_per_kg",
    "tibial_rotation_deg", "knee_flexion_deg", "knee_valgus_deg", "knee_rotation_deg",
    "knee_force_bw", "knee_adduction_moment_nm_per_kg", "knee_flexion_moment_nm_per_kg",
    "knee_rotation_moment_nm_per_kg", "hip_flexion_deg", "hip_adduction_deg", "hip_rotation_deg",
    "hip_force_bw", "hip_adduction_moment_nm_per_kg", "hip_flexion_moment_nm_per_kg",
    "hip_rotation_moment_nm_per_kg", "subtalar_drive_moment_nm", "toe_drive_moment_nm",
)
GLOBAL_ORDER = tuple(k for k in PUBLIC if not k.startswith(("left.", "right.")))


def _fmt(v):
    return f"{v:9.3f}"


def table(result, other=None) -> str:
    """Format ``result`` (and ``other`` with the change ``other - result``) as text."""
    lines = []
    if other is None:
        lines.append(f"status: {result.status}   (iterations {result.iterations})")
        lines.append(f"{'output':44s} {'left':>9s} {'right':>9s}  unit")
        for name in CHAIN_ORDER:
            u = OUTPUTS[f"left.{name}"].unit
            lines.append(f"{name:44s} {_fmt(result[f'left.{name}'])} {_fmt(result[f'right.{name}'])}  {u}")
        for name in GLOBAL_ORDER:
            lines.append(f"{name:44s} {_fmt(result[name])} {'':9s}  {OUTPUTS[name].unit}")
        return "\n".join(lines)
    lines.append(f"status: {result.status} -> {other.status}")
    hdr = f"{'output':44s} {'L before':>9s} {'L after':>9s} {'L change':>9s} {'R before':>9s} {'R after':>9s} {'R change':>9s}  unit"
    lines.append(hdr)
    for name in CHAIN_ORDER:
        a, b = result[f"left.{name}"], other[f"left.{name}"]
        c, d = result[f"right.{name}"], other[f"right.{name}"]
        lines.append(f"{name:44s} {_fmt(a)} {_fmt(b)} {_fmt(b - a)} {_fmt(c)} {_fmt(d)} {_fmt(d - c)}  "
                     f"{OUTPUTS['left.' + name].unit}")
    for name in GLOBAL_ORDER:
        a, b = result[name], other[name]
        lines.append(f"{name:44s} {_fmt(a)} {_fmt(b)} {_fmt(b - a)} {'':9s} {'':9s} {'':9s}  {OUTPUTS[name].unit}")
    return "\n".join(lines)


#: The outputs shown first, foot to pelvis: side outputs (per side), then global ones.
HEADLINE_SIDE = ("navicular_drop_mm", "rearfoot_eversion_deg", "tibial_rotation_deg",
                 "knee_flexion_deg", "knee_valgus_deg", "hip_flexion_deg", "hip_adduction_deg")
HEADLINE_GLOBAL = ("pelvis.tilt_deg", "pelvis.obliquity_deg")


def html_table(title: str, header, rows, note: str = "") -> str:
    """A compact HTML table (for Jupyter's ``_repr_html_``), every text escaped.

    Parameters
    ----------
    title : str
        The caption (the object and its status).
    header : sequence of str
        The column names.
    rows : iterable of sequence
        The cells; numbers are shown with 4 significant digits, NaN as "nan".
    note : str
        A line under the table (how to get everything).

    Returns
    -------
    str
    """
    def cell(v):
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    foot = f"<p><small>{escape(note)}</small></p>" if note else ""
    return (f"<div><table><caption>{escape(title)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{foot}</div>")


def headline_rows(value):
    """``(output, left, right, unit)`` rows of the headline outputs; ``value(name)`` gives
    an output's value (or a summary of it)."""
    for name in HEADLINE_SIDE:
        yield (name, value(f"left.{name}"), value(f"right.{name}"),
               OUTPUTS[f"left.{name}"].unit)
    for name in HEADLINE_GLOBAL:
        yield name, value(name), "", OUTPUTS[name].unit


def counts(names) -> str:
    """``"3 ok, 1 not_converged"``: how many of each name, most frequent first."""
    from collections import Counter

    return ", ".join(f"{c} {n}" for n, c in Counter(map(str, names)).most_common())


def summary(values) -> str:
    """``"median (min .. max)"`` of the finite ``values``, or ``"nan"`` if there is none."""
    import numpy as np

    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if not v.size:
        return "nan"
    return f"{np.median(v):.4g} ({v.min():.4g} .. {v.max():.4g})"


def pandas_for(what: str):
    """The ``pandas`` module, or :class:`chainsim._extras.MissingExtra` naming the ``sweep``
    extra; ``what`` is what needs it, for the message."""
    from ._extras import require

    require("sweep", "pandas", what=what)
    import pandas

    return pandas
