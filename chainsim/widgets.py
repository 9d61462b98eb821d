"""An interactive explorer for Jupyter: sliders for the feet, the chain redrawn live.

>>> from chainsim.widgets import Explorer
>>> ex = Explorer()                     # doctest: +SKIP
>>> ex                                  # in a notebook: sliders, skeleton and cascade  # doctest: +SKIP

Each change solves the new equilibrium through the compiled batch kernel (one point, one
thread) and redraws the figure; ``benchmarks/explorer.py`` measures it.  ipywidgets is imported
only when the widgets are built, so the explorer's computing side (``set``, ``result``) works
without it.
"""

from __future__ import annotations

import time

import numpy as np

from .conditions import apply_presets
from .insoles import CATALOGUE, with_insoles
from .model import Model
from .statics import SOLVED, StaticResult, solve_batch

#: The sliders: parameter (per side) -> (description, low, high, step).
CONTROLS = {
    "arch_stiffness_n_per_mm": ("arch stiffness (N/mm)", 30.0, 400.0, 5.0),
    "pronation_deg": ("pronation (deg)", -10.0, 15.0, 0.5),
    "wedge_deg": ("wedge (deg)", -10.0, 10.0, 0.5),
    "heel_lift_mm": ("heel lift (mm)", 0.0, 30.0, 1.0),
    "leg_length_diff_mm": ("left leg shorter (mm)", 0.0, 30.0, 1.0),
}
#: Parameters that act on the left leg only, whatever the side chosen (a leg-length difference).
LEFT_ONLY = ("leg_length_diff_mm",)
NO_INSOLE = "none"


class Explorer:
    """Sliders for arch stiffness, pronation, wedge, heel lift, leg length and an insole; the
    skeleton (against the baseline) and the cascade redrawn at each change.

    Parameters
    ----------
    model : Model, optional
        The baseline, and the starting point of the sliders (default: the default subject).
    preset : str or list of str, optional
        Conditions applied to the baseline first (``"both=flat_foot"``).
    side : {"both", "left", "right"}
        Which foot the sliders change (the leg-length slider always shortens the left leg).
    exaggerate : float
        Displacements from the baseline are drawn this many times larger in the skeleton.
    views : sequence of str
        Skeleton views beside the cascade.

    Attributes
    ----------
    baseline, result : StaticResult
        The baseline and the current equilibrium.
    figure : matplotlib.figure.Figure
    timings : list of float
        Seconds taken by each update (solve and redraw).

    Examples
    --------
    >>> ex = Explorer()                              # doctest: +SKIP
    >>> ex.set(pronation_deg=8, insole="motion_control").status     # doctest: +SKIP
    'ok'
    """

    def __init__(self, model: Model | None = None, preset=None, side: str = "both",
                 exaggerate: float = 3.0, views=("frontal", "sagittal")):
        if side not in ("both", "left", "right"):
            raise ValueError(f"side = {side!r}; choose both, left or right")
        model = model or Model()
        if preset:
            model = apply_presets(model, preset)
        self.base_model = model
        self.side = side
        self.exaggerate = float(exaggerate)
        self.views = tuple(views)
        side0 = "left" if side == "both" else side
        self.values = {k: float(model[f"{'left' if k in LEFT_ONLY else side0}.{k}"]) for k in CONTROLS}
        self.insole = NO_INSOLE
        self.baseline = self._solve(model)
        self.result = self.baseline
        self.timings: list[float] = []
        self.figure = self._new_figure()
        self._widgets = None
        self._redraw()

    # ------------------------------------------------------------------ computing

    def model(self) -> Model:
        """The model the sliders describe now."""
        sides = ("left", "right") if self.side == "both" else (self.side,)
        params = {}
        for k, v in self.values.items():
            for s in ("left",) if k in LEFT_ONLY else sides:
                params[f"{s}.{k}"] = v
        m = self.base_model.replace(params)
        if self.insole != NO_INSOLE:
            m = with_insoles(m, [f"{s}={self.insole}" for s in sides])
        return m

    @staticmethod
    def _solve(model) -> StaticResult:
        # the compiled batch kernel, one point on one thread (no start-up of a thread pool)
        return solve_batch([model], threads=1, chunk=1).result(0)

    def set(self, insole: str | None = None, **values) -> StaticResult:
        """Change sliders by name (``pronation_deg=8``) and/or the insole; solve and redraw.

        Returns the new equilibrium.  With widgets built, the sliders move too.
        """
        unknown = set(values) - set(CONTROLS)
        if unknown:
            raise KeyError(f"no control {', '.join(sorted(unknown))}; controls: {', '.join(CONTROLS)}")
        if insole is not None and insole != NO_INSOLE and insole not in CATALOGUE:
            raise KeyError(f"no insole {insole!r}; choose {NO_INSOLE} or {', '.join(CATALOGUE)}")
        self.values.update({k: float(v) for k, v in values.items()})
        if insole is not None:
            self.insole = insole
        if self._widgets is not None:                 # keep the sliders in step, one update
            self._quiet = True
            try:
                for k, v in values.items():
                    self._widgets[k].value = v
                if insole is not None:
                    self._widgets["insole"].value = insole
            finally:
                self._quiet = False
        return self.update()

    def update(self) -> StaticResult:
        """Solve the current model and redraw; records the time taken in :attr:`timings`."""
        t0 = time.perf_counter()
        r = self._solve(self.model())
        if r.ok:
            self.result = r
        self._status = r.status
        self._redraw()
        self._show()
        self.timings.append(time.perf_counter() - t0)
        return r

    # ------------------------------------------------------------------ drawing

    def _new_figure(self):
        import matplotlib

        if "ipympl" in matplotlib.get_backend() or "widget" in matplotlib.get_backend():
            import matplotlib.pyplot as plt

            fig = plt.figure(figsize=(9.5, 4.2))
        else:          # not managed by pyplot: drawn by Agg into an image widget (see _show)
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            fig = Figure(figsize=(9.5, 4.2), dpi=72)
            FigureCanvasAgg(fig)
        n = len(self.views)
        gs = fig.add_gridspec(1, n + 1, width_ratios=[0.7] * n + [1.6])
        self.axes = [fig.add_subplot(gs[0, k]) for k in range(n + 1)]
        return fig

    def _redraw(self):
        """Draw everything once; later calls only move the current skeletons and the bars."""
        from .plot import cascade, overlay
        from .plot.cascade import changes
        from .plot.skeleton import N_SEGMENTS, check_view, segments

        status = getattr(self, "_status", "ok")
        note = "" if status in SOLVED else f"  [{status}: showing the last standing posture]"
        title = f"insole: {self.insole}{note}"
        if not hasattr(self, "_moving"):
            for ax, view in zip(self.axes, self.views):
                overlay(self.baseline, self.result, view=view, ax=ax, exaggerate=self.exaggerate,
                        labels=("baseline", "now"), threshold_mm=float("inf"))
                if ax is not self.axes[0]:
                    ax.get_legend().remove()
            cascade(self.baseline, self.result, ax=self.axes[-1])
            # the skeletons' second set of segments is the current posture
            self._moving = [[a for a in ax.lines if a.get_gid() == "chainsim.segment"][N_SEGMENTS:]
                            for ax in self.axes[:-1]]
            self._bars = [p for p in self.axes[-1].patches if p.get_gid() == "chainsim.bar"]
            self._suptitle = self.figure.suptitle(title, fontsize=9)
            self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.12, top=0.88, wspace=0.45)
            pos = self.axes[-1].get_position()           # room for the cascade's labels
            self.axes[-1].set_position([pos.x0 + 0.12, pos.y0, pos.width - 0.12, pos.height])
            return
        a, b = self.baseline.points(), self.result.points()
        shown = {k: a[k] + self.exaggerate * (b[k] - a[k]) for k in a}
        segs = segments(shown)
        for lines, view in zip(self._moving, self.views):
            i, j = check_view(view)
            for ln, (_, p, q) in zip(lines, segs):
                ln.set_data([p[i], q[i]], [p[j], q[j]])
        d = changes(self.baseline, self.result)
        values = [v for series in ("left", "right", "pelvis/spine") for v in d[series]
                  if np.isfinite(v)]
        for bar, v in zip(self._bars, values):
            bar.set_width(v)
        ax = self.axes[-1]
        lo, hi = min(0.0, *values), max(0.0, *values)
        pad = 0.08 * (hi - lo) or 0.1
        ax.set_xlim(lo - pad, hi + pad)
        self._suptitle.set_text(title)

    def png(self) -> bytes:
        """The figure rendered (Agg) and encoded as PNG, fast (low compression)."""
        import io

        from PIL import Image

        canvas = self.figure.canvas
        canvas.draw()
        w, h = canvas.get_width_height(physical=True)
        buf = io.BytesIO()
        Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert(
            "RGB").save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def _show(self):
        """Render the figure where it is shown: the image widget, or ipympl's canvas."""
        image = getattr(self, "_image", None)
        if image is not None:
            image.value = self.png()
        elif self._widgets is not None:
            self.figure.canvas.draw_idle()
        else:
            self.figure.canvas.draw()

    # ------------------------------------------------------------------ widgets

    @property
    def widget(self):
        """The ipywidgets box: the sliders, the insole choice and the figure."""
        if self._widgets is None:
            self._build()
        return self._box

    def _build(self):
        from ._extras import require

        require("jupyter", "ipywidgets", "IPython", what="the explorer's sliders")
        import ipywidgets as w

        self._quiet = False
        controls = {}
        for k, (desc, lo, hi, step) in CONTROLS.items():
            controls[k] = w.FloatSlider(value=min(max(self.values[k], lo), hi), min=lo, max=hi,
                                        step=step, description=desc, continuous_update=False,
                                        style={"description_width": "150px"},
                                        layout=w.Layout(width="420px"))
        controls["insole"] = w.Dropdown(options=[NO_INSOLE, *CATALOGUE], value=self.insole,
                                        description="insole", style={"description_width": "150px"})

        def changed(change):
            if self._quiet:
                return
            owner = change["owner"]
            name = next(k for k, c in controls.items() if c is owner)
            if name == "insole":
                self.insole = change["new"]
            else:
                self.values[name] = float(change["new"])
            self.update()

        for c in controls.values():
            c.observe(changed, names="value")
        self._widgets = controls
        canvas = self.figure.canvas
        if isinstance(canvas, w.DOMWidget):          # ipympl: the canvas is itself a widget
            self._image = None
            view = canvas
        else:                                        # a PNG in an image widget: no flicker
            self._image = w.Image(format="png")
            view = self._image
        self._box = w.VBox([w.HBox([w.VBox(list(controls.values()))]), view])
        self._show()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def explore(model: Model | None = None, **kw) -> Explorer:
    """Open the explorer (see :class:`Explorer`); in a notebook, leave it as a cell's last line."""
    return Explorer(model, **kw)


__all__ = ["Explorer", "explore", "CONTROLS"]
