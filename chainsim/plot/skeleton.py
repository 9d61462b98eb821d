"""The stick figure of a standing result: frontal, sagittal, top and 3-D views, with the ground
reaction of each foot at its centre of pressure and the net joint reactions as arrows."""

from __future__ import annotations

import numpy as np

from ._util import GID, new_ax, static
from ..arguments import ParameterError

#: Lines of one leg, by point name (thigh, shank, rearfoot, the arch's two rays, heel, forefoot,
#: toes).
LEG_LINES = (("hip", "knee"), ("knee", "ankle"), ("ankle", "subtalar"), ("subtalar", "heel"),
             ("subtalar", "midtarsal"), ("midtarsal", "mt1"), ("midtarsal", "mt5"),
             ("heel_medial", "heel_lateral"), ("mt1", "mt5"), ("mtp", "toe"))
#: Lines of the pelvis and trunk: the hip line, the sacrum (mid-hip to L5/S1), the trunk.
TRUNK_LINES = (("left.hip", "right.hip"), ("mid_hip", "trunk.l5s1"), ("trunk.l5s1", "trunk.hat_com"))
#: Number of line segments a skeleton draws.
N_SEGMENTS = 2 * len(LEG_LINES) + len(TRUNK_LINES)
#: Joints whose net reaction :func:`joint_forces` returns (and ``loads=True`` draws), and the
#: segments below each one.
JOINTS = {"ankle": ("rearfoot", "forefoot"), "knee": ("rearfoot", "forefoot", "shank"),
          "hip": ("rearfoot", "forefoot", "shank", "thigh")}
_VIEWS = {"frontal": (1, 2), "sagittal": (0, 2), "top": (0, 1), "3d": (0, 1, 2)}
_XLABEL = {"frontal": "y (m, subject's left +)", "sagittal": "x (m, anterior +)", "top": "x (m, anterior +)"}
_YLABEL = {"frontal": "z (m)", "sagittal": "z (m)", "top": "y (m, left +)"}
#: Colours of the ground reactions, the joint reactions and the centre of pressure.
COLORS = {"grf": "tab:green", "load": "tab:purple", "cop": "tab:red"}


def check_view(view: str) -> tuple:
    if view not in _VIEWS:
        raise ParameterError(f"view = {view!r}; choose one of {', '.join(_VIEWS)}")
    return _VIEWS[view]


def segments(points: dict) -> list:
    """The skeleton's line segments ``(name, p, q)`` from :meth:`StaticResult.points`."""
    pts = dict(points)
    pts["mid_hip"] = (pts["left.hip"] + pts["right.hip"]) / 2
    out = [(f"{s}.{a}-{b}", pts[f"{s}.{a}"], pts[f"{s}.{b}"])
           for s in ("left", "right") for a, b in LEG_LINES]
    out += [(f"{a}-{b}", pts[a], pts[b]) for a, b in TRUNK_LINES]
    return out


def _loads(result):
    """External loads grouped: weights by segment and ground forces per side (N, true world)."""
    loads = static(result, "ground_forces / joint_forces").external_loads()
    nleg = (len(loads) - 2) // 2            # two trunk weights, then per leg 4 weights + ground
    weight = -sum(f[2] for _, _, f in loads[:2])
    ground = {}
    for k, side in enumerate(("left", "right")):
        block = loads[2 + k * nleg: 2 + (k + 1) * nleg]
        weight -= sum(f[2] for _, _, f in block[:4])
        ground[side] = block[4:]
        ground[side + ".weights"] = block[:4]
    return loads, weight, ground


def ground_forces(result) -> dict:
    """Each foot's ground reaction: ``{side: (centre of pressure, force)}``, metres and body weights.

    The centre of pressure is where the resultant of the foot's contact forces meets the floor
    (the mean of the contact points weighted by their vertical force).
    """
    _, bw, ground = _loads(result)
    out = {}
    for side in ("left", "right"):
        p = np.array([pt for _, pt, _ in ground[side]])
        f = np.array([fv for _, _, fv in ground[side]])
        fz = np.clip(f[:, 2], 0.0, None)
        cop = (p * fz[:, None]).sum(0) / fz.sum() if fz.sum() > 0 else p.mean(0)
        cop[2] = min(p[:, 2].min(), cop[2])
        out[side] = (cop, f.sum(0) / bw)
    return out


def joint_forces(result) -> dict:
    """Net joint reactions: ``{"left.knee": (joint centre, force), ..., "lumbar.l5s1": ...}``.

    The force (in body weights) is what the part below the joint exerts on the part above:
    gravity and the ground acting on the segments below, as in the ``*_force_bw`` outputs.
    """
    loads, bw, _ = _loads(result)
    pts = result.points()
    out = {}
    for side in ("left", "right"):
        for joint, below in JOINTS.items():
            segs = {f"{side}.{s}" for s in below}
            f = sum((fv for seg, _, fv in loads if seg in segs), np.zeros(3))
            out[f"{side}.{joint}"] = (pts[f"{side}.{joint}"], f / bw)
    f = sum((fv for seg, _, fv in loads if seg != "trunk"), np.zeros(3))
    out["lumbar.l5s1"] = (pts["trunk.l5s1"], f / bw)
    return out


def draw_chain(ax, points: dict, view: str, color="k", label=None, **line_kw) -> list:
    """Draw the segments of ``points`` on ``ax``; returns the Line2D (or 3-D line) artists."""
    idx = check_view(view)
    kw = dict(color=color, lw=1.6, solid_capstyle="round")
    kw.update(line_kw)
    lines = []
    for n, (name, p, q) in enumerate(segments(points)):
        (ln,) = ax.plot(*[[p[i], q[i]] for i in idx], label=label if n == 0 else None, **kw)
        ln.set_gid(GID + "segment")
        lines.append(ln)
    return lines


def draw_arrow(ax, view: str, tail, vector, color, gid: str, lw=1.8):
    """One arrow from ``tail`` along ``vector`` (m) in ``view``; returns its artist."""
    idx = check_view(view)
    tail, vector = np.asarray(tail, float), np.asarray(vector, float)
    if view == "3d":
        art = ax.quiver(*tail, *vector, color=color, lw=lw, arrow_length_ratio=0.2)
    else:
        from matplotlib.patches import FancyArrowPatch

        a, b = tail[list(idx)], (tail + vector)[list(idx)]
        art = ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=12, lw=lw,
                                           color=color, zorder=4))
        ax.update_datalim([a, b])
    art.set_gid(GID + gid)
    return art


def finish_axes(ax, view, points):
    """Limits, aspect and axis labels of a ``view`` once its ``points`` (name -> xyz) are drawn."""
    if view == "3d":
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        p = np.array(list(points.values()))
        lo, hi = p.min(0), p.max(0)
        mid = (lo + hi) / 2
        half = np.maximum((hi - lo) / 2 + 0.05, [0.25, 0.25, 0.0])
        floor = lo[2]
        for i, setter in enumerate((ax.set_xlim, ax.set_ylim, ax.set_zlim)):
            setter(mid[i] - half[i], mid[i] + half[i])
        ax.set_zlim(floor, mid[2] + half[2])
        ax.set_box_aspect((half[0], half[1], (mid[2] + half[2] - floor) / 2),   # equal scales
                          zoom=0.82)
        # the ground: a translucent floor under the feet
        gx, gy = np.meshgrid([mid[0] - half[0], mid[0] + half[0]], [mid[1] - half[1], mid[1] + half[1]])
        g = ax.plot_surface(gx, gy, np.full_like(gx, floor), color="0.75", alpha=0.35,
                            shade=False, zorder=0)
        g.set_gid(GID + "ground")
        ax.view_init(elev=14, azim=28)          # from the front, a little to the subject's left
        mm = FuncFormatter(lambda v, _: f"{v * 1e3:.0f}")
        for axis, n in ((ax.xaxis, 3), (ax.yaxis, 3), (ax.zaxis, 5)):
            axis.set_major_locator(MaxNLocator(n, steps=[1, 2, 5, 10]))
            axis.set_major_formatter(mm)
        ax.tick_params(labelsize=7, pad=0)
        ax.set_xlabel("x (mm, anterior +)", fontsize=8, labelpad=2)
        ax.set_ylabel("y (mm, left +)", fontsize=8, labelpad=2)
        ax.set_zlabel("z (mm, up)", fontsize=8, labelpad=2)
    else:
        from matplotlib.ticker import MaxNLocator

        ax.set_aspect("equal", adjustable="datalim")
        ax.xaxis.set_major_locator(MaxNLocator(3, steps=[1, 2, 5, 10]))   # narrow panels
        ax.autoscale_view()
        ax.set_xlabel(_XLABEL[view])
        ax.set_ylabel(_YLABEL[view])
    ax.set_title(view)


def skeleton(result, view="frontal", ax=None, color="k", label=None, grf=True, loads=False,
             cop=True, scale=0.4, **line_kw):
    """Draw a standing result as a stick figure, with its ground and joint reactions.

    Parameters
    ----------
    result : StaticResult
        One equilibrium (``chainsim.solve``); a batch, a sweep dataset or a model is refused.
    view : {"frontal", "sagittal", "top", "3d"}
        Frontal: seen from the front (the subject's left on the right of the figure);
        sagittal: seen from the left (anterior to the right); "3d" needs 3-D axes (made for you
        when ``ax`` is None).
    ax : matplotlib.axes.Axes, optional
    color, label : optional
        Colour and legend label of the segments.
    grf : bool
        Draw each foot's ground reaction as an arrow at its centre of pressure.
    loads : bool
        Draw the net reaction at each ankle, knee, hip and at L5/S1 (what the part below pushes
        on the part above).
    cop : bool
        Mark each foot's centre of pressure.
    scale : float
        Arrow length per body weight (m).
    **line_kw
        Passed to ``ax.plot`` for the segments.

    Returns
    -------
    matplotlib.axes.Axes
        The segments carry ``gid`` ``"chainsim.segment"`` (:data:`N_SEGMENTS` of them), the
        arrows ``"chainsim.grf"`` and ``"chainsim.load"``, the centres of pressure
        ``"chainsim.cop"``.

    Examples
    --------
    >>> import chainsim as cs
    >>> ax = skeleton(cs.solve(cs.Model(both__wedge_deg=10)), view="sagittal", loads=True)
    """
    result = static(result, "skeleton")
    check_view(view)
    ax = new_ax(ax, figsize=(3.4, 6) if view != "3d" else (4.6, 6.4), projection="3d" if view == "3d" else None)
    pts = result.points()
    draw_chain(ax, pts, view, color=color, label=label, **line_kw)
    if view != "3d":
        i, j = _VIEWS[view]
        (m,) = ax.plot(pts["trunk.hat_com"][i], pts["trunk.hat_com"][j], "o", color=color, ms=5)
        m.set_gid(GID + "com")
    if grf or cop:
        for side, (c, f) in ground_forces(result).items():
            if grf:
                draw_arrow(ax, view, c, f * scale, COLORS["grf"], "grf")
            if cop:
                (m,) = ax.plot(*[[c[i]] for i in _VIEWS[view]], "x", color=COLORS["cop"], ms=6, mew=2)
                m.set_gid(GID + "cop")
    if loads:
        for name, (p, f) in joint_forces(result).items():
            draw_arrow(ax, view, p, f * scale, COLORS["load"], "load", lw=1.4)
    finish_axes(ax, view, pts)
    return ax


def skeleton_views(result, views=("frontal", "sagittal", "3d"), fig=None, **kw):
    """The skeleton in several views side by side.

    Parameters
    ----------
    result : StaticResult
    views : sequence of str
        Any of ``"frontal"``, ``"sagittal"``, ``"top"``, ``"3d"``.
    fig : matplotlib.figure.Figure, optional
    **kw
        Passed to :func:`skeleton`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import chainsim as cs
    >>> fig = skeleton_views(cs.solve(), loads=True)
    """
    from ._util import new_figure

    static(result, "skeleton_views")
    widths = [1.5 if v == "3d" else 1.0 for v in views]      # the 3-D box needs the room
    fig = fig or new_figure((2.8 * sum(widths), 6.4))
    gs = fig.add_gridspec(1, len(views), width_ratios=widths)
    for n, v in enumerate(views):
        ax = fig.add_subplot(gs[0, n], projection="3d" if v == "3d" else None)
        skeleton(result, view=v, ax=ax, **kw)
    return fig
