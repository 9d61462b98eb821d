"""Animations (matplotlib.animation): a parameter sweep of the standing chain, and an impact.

Show them in Jupyter with ``IPython.display.HTML(to_html(anim))`` (JavaScript player, no ffmpeg
needed), or write a GIF with ``save_gif(anim, "pronation.gif")`` (Pillow).
"""

from __future__ import annotations

import numpy as np

from ._util import GID, label, static
from .impact import FORCES, impact_dataset, impact_series
from .skeleton import (COLORS, check_view, draw_arrow, draw_chain, finish_axes, ground_forces,
                       segments)
from ..arguments import ParameterError, check_instance, check_text


def _frames_2d(view, fn):
    idx = check_view(view)
    if view == "3d":
        raise ParameterError(f"{fn} draws a 2-D view: frontal, sagittal or top")
    return idx


def animate_sweep(key="both.pronation_deg", values=np.linspace(-10.0, 15.0, 11), model=None,
                  view="frontal", outputs=("left.tibial_rotation_deg", "left.navicular_drop_mm"),
                  exaggerate=1.0, interval=300, fig=None):
    """Animate the standing chain as one parameter moves (by default a pronation sweep).

    All frames are solved at once by the batch kernel.

    Parameters
    ----------
    key : str
        The parameter that moves (``both.X`` moves both sides).
    values : array_like
        Its values, one frame each.
    model : Model, optional
        Everything else (default: the default subject).
    view : {"frontal", "sagittal", "top"}
    outputs : sequence of str
        Outputs drawn against the parameter beside the figure, with a marker that follows.
    exaggerate : float
        Draw each frame at ``first + exaggerate * (frame - first)``.
    interval : int
        Milliseconds per frame.
    fig : matplotlib.figure.Figure, optional

    Returns
    -------
    matplotlib.animation.FuncAnimation
        ``anim.chainsim_lines`` holds the moving segments, ``anim.chainsim_results`` the
        solved frames (a BatchResult) and ``anim.chainsim_figure`` the figure (close it after
        ``to_html`` so that Jupyter does not show its first frame as well).

    Examples
    --------
    >>> anim = animate_sweep(values=[-5, 0, 5, 10])
    >>> html = to_html(anim)                                        # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    from ..model import Model
    from ..statics import solve_batch

    idx = _frames_2d(view, "animate_sweep")
    key = check_text("animate_sweep: key", key)
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) < 2:
        raise ParameterError("animate_sweep: values must be a 1-D sequence of at least two values")
    model = model or Model()
    batch = solve_batch([model.replace({key: float(v)}) for v in values], keep_theta=True,
                        keep_state=True)                  # each frame drawn: no re-solve
    if not batch.ok.any():
        raise ParameterError(f"animate_sweep: no frame of {key} = {values} stands "
                             f"(statuses {sorted(set(batch.status))})")
    frames = [i for i in range(len(values)) if batch.ok[i]]
    points = [batch.result(i).points() for i in frames]
    first = points[0]
    shown = [{k: first[k] + exaggerate * (p[k] - first[k]) for k in first} for p in points]

    fig = fig or plt.figure(figsize=(7.5, 4.5))
    ax = fig.add_subplot(1, 2, 1)
    lines = draw_chain(ax, shown[0], view, color="tab:red")
    draw_chain(ax, first, view, color="0.75", lw=3, zorder=0)
    finish_axes(ax, view, {**first, **{f"{k}@{n}": v for n, s in enumerate(shown) for k, v in s.items()}})
    title = ax.set_title("")
    axes_out = []
    markers = []
    for n, o in enumerate(outputs):
        a = fig.add_subplot(len(outputs), 2, 2 * n + 2)
        a.plot(values[frames], batch[o][frames], color="0.4", lw=1)
        (m,) = a.plot([values[frames[0]]], [batch[o][frames[0]]], "o", color="tab:red")
        m.set_gid(GID + "marker")
        a.set_ylabel(label(o), fontsize=8)
        a.grid(alpha=0.3)
        markers.append((m, o))
        axes_out.append(a)
    if axes_out:
        axes_out[-1].set_xlabel(label(key))
    fig.tight_layout()

    def update(k):
        for ln, (_, p, q) in zip(lines, segments(shown[k])):
            ln.set_data([p[idx[0]], q[idx[0]]], [p[idx[1]], q[idx[1]]])
        for m, o in markers:
            m.set_data([values[frames[k]]], [batch[o][frames[k]]])
        title.set_text(f"{key} = {values[frames[k]]:.3g}" +
                       (f"  (x{exaggerate:g})" if exaggerate != 1 else ""))
        return [*lines, *(m for m, _ in markers), title]

    update(0)
    anim = FuncAnimation(fig, update, frames=len(frames), interval=interval, blit=False)
    anim.chainsim_lines = lines
    anim.chainsim_figure = fig
    anim.chainsim_results = batch
    return anim


#: A foot's points that meet the ground; the lowest carries a moving impact's ground arrow.
_CONTACT = ("heel", "heel_medial", "heel_lateral", "mt1", "mt5", "toe")


def animate_impact(result, model=None, side="left", view="sagittal", frames=40, scale=0.12,
                   interval=60, fig=None):
    """Animate an impact: the chain moving, the force at each level of it as an arrow, and the
    time series.

    For an impact result (``chainsim.impact(...)``, which records the motion in ``.states``)
    each frame draws the chain in its posture at that time, the same points and segments as
    :func:`skeleton` (:meth:`ImpactResult.points`).  At the ground, ankle, knee, hip and L5/S1
    of ``side`` an upward arrow grows and shrinks with the force there; the joint arrows follow
    the moving joints and the ground arrow the lowest contact point of the foot (the result
    has no centre of pressure).  A bare ``Dataset`` holds forces, not motion: the figure then
    stands in its static posture and only the arrows move (the ground arrow at the standing
    centre of pressure).  Beside it, :func:`impact_series` with a moving time cursor.

    Parameters
    ----------
    result : ImpactResult or xarray.Dataset
        ``chainsim.impact(...)`` or its ``.dataset`` (variables over ``time``, s).
    model : Model, optional
        The subject to draw standing when ``result`` is a bare dataset without recorded motion
        (default: the default subject); an impact result is drawn with its own subject.
    side : {"left", "right"}
    view : {"sagittal", "frontal"}
    frames : int
        Frames, spread evenly over the time series.
    scale : float
        Arrow length per body weight (m).
    interval : int
        Milliseconds per frame.
    fig : matplotlib.figure.Figure, optional

    Returns
    -------
    matplotlib.animation.FuncAnimation
        ``anim.chainsim_lines`` holds the segments, ``anim.chainsim_arrows`` the arrows,
        ``anim.chainsim_cursor`` the time cursor, ``anim.chainsim_steps`` the time index of
        each frame, ``anim.chainsim_figure`` the figure.

    Examples
    --------
    >>> import chainsim as cs
    >>> r = cs.impact(None, preset="drop_landing", duration_s=0.05)
    >>> anim = animate_impact(r, frames=10)
    >>> len(anim.chainsim_arrows)
    5
    >>> html = to_html(anim)                                        # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    from ..model import Model
    from ..statics import solve

    ds = impact_dataset(result, "animate_impact")
    idx = _frames_2d(view, "animate_impact")
    model = model or Model()
    keys = [(lab, k.format(s=side)) for lab, k in FORCES if k.format(s=side) in ds.data_vars]
    t = ds["time"].values
    steps = np.unique(np.linspace(0, len(t) - 1, max(2, int(frames))).round().astype(int))
    states = getattr(result, "states", None)
    if states is not None and len(states) == len(t):
        posed = [result.points(i) for i in steps]
        grounds = [min((p[f"{side}.{n}"] for n in _CONTACT), key=lambda x: x[2]) for p in posed]
    else:
        standing = static(solve(model), "animate_impact")
        posed = [standing.points()] * len(steps)
        grounds = [ground_forces(standing)[side][0]] * len(steps)
    tails = [{"ground": g, "ankle": p[f"{side}.ankle"], "knee": p[f"{side}.knee"],
              "hip": p[f"{side}.hip"], "L5/S1": p["trunk.l5s1"]} for p, g in zip(posed, grounds)]
    arrows_at = [{lab: ((a[lab][idx[0]], a[lab][idx[1]]),
                        (a[lab][idx[0]], a[lab][idx[1]] + float(ds[k].values[i]) * scale))
                  for lab, k in keys} for a, i in zip(tails, steps)]

    fig = fig or plt.figure(figsize=(8, 4.2))
    ax = fig.add_subplot(1, 3, 1)
    lines = draw_chain(ax, posed[0], view, color="0.3")
    arrows = {}
    for lab, k in keys:
        a = draw_arrow(ax, view, tails[0][lab], [0, 0, 1e-6], COLORS["load"] if lab != "ground"
                       else COLORS["grf"], "load" if lab != "ground" else "grf")
        arrows[lab] = a
    ax.update_datalim([xy for at in arrows_at for ab in at.values() for xy in ab] +
                      [(p[k][idx[0]], p[k][idx[1]]) for p in posed for k in p])
    finish_axes(ax, view, posed[0])
    ts = fig.add_subplot(1, 3, (2, 3))
    impact_series(ds, side=side, ax=ts)
    cursor = ts.axvline(t[0] * 1e3, color="k", lw=0.8)
    cursor.set_gid(GID + "cursor")
    fig.tight_layout()

    def update(n):
        i = steps[n]
        for ln, (_, p, q) in zip(lines, segments(posed[n])):
            ln.set_data([p[idx[0]], q[idx[0]]], [p[idx[1]], q[idx[1]]])
        for lab, a in arrows.items():
            a.set_positions(*arrows_at[n][lab])
        cursor.set_xdata([t[i] * 1e3, t[i] * 1e3])
        ax.set_title(f"t = {t[i] * 1e3:.0f} ms")
        return [*lines, *arrows.values(), cursor]

    update(0)
    anim = FuncAnimation(fig, update, frames=len(steps), interval=interval, blit=False)
    anim.chainsim_lines = lines
    anim.chainsim_arrows = arrows
    anim.chainsim_cursor = cursor
    anim.chainsim_steps = steps
    anim.chainsim_figure = fig
    return anim


def _animation(anim, fn):
    from matplotlib.animation import Animation

    return check_instance(f"{fn}: anim", anim, Animation,
                          "an animation (animate_sweep or animate_impact)")


def to_html(anim) -> str:
    """The animation as self-contained HTML with a JavaScript player (for Jupyter's ``HTML``)."""
    return _animation(anim, "to_html").to_jshtml()


def save_gif(anim, path, fps=5, dpi=70):
    """Write the animation as a GIF (Pillow); returns the path."""
    from matplotlib.animation import PillowWriter

    _animation(anim, "save_gif").save(str(path), writer=PillowWriter(fps=fps), dpi=dpi)
    return path
