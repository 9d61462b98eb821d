"""Stick figures of a standing result and the cascade of changes from foot to spine."""

from __future__ import annotations

import numpy as np

#: Lines of one leg, by point name.
LEG_LINES = (("hip", "knee"), ("knee", "ankle"), ("ankle", "subtalar"), ("subtalar", "heel"),
             ("subtalar", "midtarsal"), ("midtarsal", "mt1"), ("midtarsal", "mt5"),
             ("heel_medial", "heel_lateral"), ("mt1", "mt5"))
_VIEWS = {"frontal": (1, 2), "sagittal": (0, 2), "top": (0, 1)}


def skeleton(result, view="frontal", ax=None, color="k", label=None, **line_kw):
    """Draw the chain of a :class:`~chainsim.StaticResult` as a stick figure.

    Parameters
    ----------
    result : StaticResult
    view : {"frontal", "sagittal", "top"}
        Frontal: seen from the front (the subject's left on the right of the figure).
    ax : matplotlib.axes.Axes, optional
    color, label, **line_kw
        Passed to ``ax.plot``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import chainsim as cs
    >>> ax = skeleton(cs.solve(), view="sagittal")
    """
    import matplotlib.pyplot as plt

    if view not in _VIEWS:
        raise ValueError(f"view = {view!r}; choose one of {', '.join(_VIEWS)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 5))
    pts = result.points()
    i, j = _VIEWS[view]
    kw = dict(color=color, lw=1.5, **line_kw)
    lines = []
    for side in ("left", "right"):
        for a, b in LEG_LINES:
            p, q = pts[f"{side}.{a}"], pts[f"{side}.{b}"]
            lines.append((p, q))
    mid_hip = (pts["left.hip"] + pts["right.hip"]) / 2
    lines += [(pts["left.hip"], pts["right.hip"]), (mid_hip, pts["trunk.l5s1"]),
              (pts["trunk.l5s1"], pts["trunk.hat_com"])]
    for n, (p, q) in enumerate(lines):
        ax.plot([p[i], q[i]], [p[j], q[j]], label=label if n == 0 else None, **kw)
    ax.plot(pts["trunk.hat_com"][i], pts["trunk.hat_com"][j], "o", color=color, ms=5)
    ax.set_aspect("equal")
    ax.set_xlabel({"frontal": "y (m, left +)", "sagittal": "x (m, anterior +)", "top": "x (m)"}[view])
    ax.set_ylabel("z (m)" if view != "top" else "y (m)")
    ax.set_title(view)
    return ax


#: Outputs of the cascade, foot to spine: (label, output key without side, or a global key).
CASCADE = (
    ("rearfoot eversion (deg)", "rearfoot_eversion_deg"),
    ("navicular drop (mm)", "navicular_drop_mm"),
    ("tibial int. rotation (deg)", "tibial_rotation_deg"),
    ("knee valgus (deg)", "knee_valgus_deg"),
    ("knee flexion (deg)", "knee_flexion_deg"),
    ("hip int. rotation (deg)", "hip_rotation_deg"),
    ("hip adduction (deg)", "hip_adduction_deg"),
    ("pelvic tilt (deg)", "pelvis.tilt_deg"),
    ("pelvic obliquity (deg)", "pelvis.obliquity_deg"),
    ("lumbar lordosis (deg)", "lumbar.lordosis_deg"),
)


def cascade(base, changed, ax=None):
    """Bar chart of ``changed - base`` at each level of the chain, foot (bottom) to spine (top).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    labels, left, right = [], [], []
    for label, key in CASCADE:
        labels.append(label)
        if "." in key:
            d = changed[key] - base[key]
            left.append(d)
            right.append(np.nan)
        else:
            left.append(changed[f"left.{key}"] - base[f"left.{key}"])
            right.append(changed[f"right.{key}"] - base[f"right.{key}"])
    y = np.arange(len(labels))
    ax.barh(y + 0.2, left, height=0.4, label="left", color="tab:blue")
    ax.barh(y - 0.2, np.nan_to_num(right), height=0.4, label="right", color="tab:orange")
    ax.set_yticks(y, labels)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel("change")
    ax.legend(loc="lower right")
    ax.set_title("change up the chain")
    return ax
