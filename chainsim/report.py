"""Plain-text tables of results: one model, or a baseline and a changed model side by side."""

from __future__ import annotations

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
