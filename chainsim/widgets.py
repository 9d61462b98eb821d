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
from .params import REGISTRY
from .statics import SOLVED, StaticResult, solve_batch
from .arguments import ParameterError

#: The sliders: parameter (per side) -> (description, step); their ranges are the parameters'.
_SLIDERS = {
    "arch_stiffness_n_per_mm": ("arch stiffness (N/mm)", 5.0),
    "pronation_deg": ("pronation (deg)", 0.5),
    "wedge_deg": ("wedge (deg, + lateral up)", 0.5),
    "heel_lift_mm": ("heel lift (mm)", 1.0),
    "leg_length_diff_mm": ("left leg shorter (mm)", 1.0),
}
#: The sliders: parameter (per side) -> (description, low, high, step), each covering the
#: parameter's whole valid range (``chainsim.PARAMS["left.X"].low`` to ``.high``).
CONTROLS = {k: (desc, float(REGISTRY[f"left.{k}"].low), float(REGISTRY[f"left.{k}"].high), step)
            for k, (desc, step) in _SLIDERS.items()}
#: Smallest half-width of the cascade's axes (degrees, millimetres) when the scale is set.
MIN_SCALE = (4.0, 10.0)
#: Parameters that act on the left leg only, whatever the side chosen (a leg-length difference).
LEFT_ONLY = ("leg_length_diff_mm",)
NO_INSOLE = "none"


class Explorer:
    """Sliders for arch stiffness, pronation, wedge, heel lift, leg length and an insole; the
    skeleton (against the baseline) and the cascade redrawn at each change.

    The baseline stays the model without the preset (the neutral subject by default), so the
    cascade shows the preset's effect from the start, and every move after it.  The cascade's
    axes keep their scale from move to move (set at the first draw; :meth:`rescale`, or the
    "rescale" button, fits them to the bars shown); the title says when a bar runs off them.

    Parameters
    ----------
    model : Model, optional
        The baseline (default: the default, neutral subject).
    preset : str or list of str, optional
        Conditions applied on top of the baseline to give the starting point of the sliders
        (``"both=flat_foot"``).
    side : {"both", "left", "right"}
        Which foot the sliders change (the leg-length slider always shortens the left leg).
    exaggerate : float
        Displacements from the baseline are drawn this many times larger in the skeleton.
    views : sequence of str
        Skeleton views beside the cascade.

    Attributes
    ----------
    baseline, result : StaticResult
        The baseline (the model without the preset) and the current equilibrium.
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
            raise ParameterError(f"side = {side!r}; choose both, left or right")
        neutral = model or Model()
        model = apply_presets(neutral, preset) if preset else neutral
        self.neutral_model = neutral
        self.base_model = model
        self.preset = (preset if isinstance(preset, str) else " + ".join(preset)) if preset else ""
        self.side = side
        self.exaggerate = float(exaggerate)
        self.views = tuple(views)
        side0 = "left" if side == "both" else side
        self.values = {k: float(model[f"{'left' if k in LEFT_ONLY else side0}.{k}"]) for k in CONTROLS}
        self.insole = NO_INSOLE
        self.baseline = self._solve(neutral)
        start = self._solve(model) if model is not neutral else self.baseline
        self.result = start if start.ok else self.baseline
        self._status = start.status
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
        return solve_batch([model], threads=1, chunk=1, keep_theta=True,
                           keep_state=True).result(0)

    def set(self, insole: str | None = None, **values) -> StaticResult:
        """Change sliders by name (``pronation_deg=8``) and/or the insole; solve and redraw.

        Returns the new equilibrium.  With widgets built, the sliders move too.
        """
        unknown = set(values) - set(CONTROLS)
        if unknown:
            raise ParameterError(f"no control {', '.join(sorted(unknown))}; controls: {', '.join(CONTROLS)}")
        if insole is not None and insole != NO_INSOLE and insole not in CATALOGUE:
            raise ParameterError(f"no insole {insole!r}; choose {NO_INSOLE} or {', '.join(CATALOGUE)}")
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

        from .plot import DPI

        size = (10, 4.8)
        if "ipympl" in matplotlib.get_backend() or "widget" in matplotlib.get_backend():
            import matplotlib.pyplot as plt

            fig = plt.figure(figsize=size, dpi=DPI, layout="constrained")
        else:          # not managed by pyplot: drawn by Agg into an image widget (see _show)
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            fig = Figure(figsize=size, dpi=DPI, layout="constrained")
            FigureCanvasAgg(fig)
        n = len(self.views)
        gs = fig.add_gridspec(1, n + 1, width_ratios=[0.7] * n + [1.9])
        self.axes = [fig.add_subplot(gs[0, k]) for k in range(n + 1)]
        return fig

    def rescale(self):
        """Fit the cascade's axes to the bars shown now (they then stay until the next call)."""
        from .plot.cascade import set_limits

        self._scale = self._fit_scale()
        set_limits(self.axes[-1], self._scale)
        self._redraw()
        self._show()
        return self._scale

    def _fit_scale(self):
        """``(deg, mm)`` half-widths holding the current bars, at least :data:`MIN_SCALE`."""
        from .plot.cascade import CASCADE, unit

        mm = np.array([unit(lab) == "mm" for _, lab, _ in CASCADE])
        d = self._changes()
        out = []
        for sel, floor in ((~mm, MIN_SCALE[0]), (mm, MIN_SCALE[1])):
            v = np.concatenate([d[s][sel] for s in d])
            v = np.abs(v[np.isfinite(v)])
            out.append(max(floor, 1.5 * float(v.max()) if v.size else 0.0))
        return tuple(out)

    def _changes(self):
        from .plot.cascade import changes

        return changes(self.baseline, self.result)

    def _off_scale(self) -> bool:
        from .plot.cascade import CASCADE, unit

        mm = np.array([unit(lab) == "mm" for _, lab, _ in CASCADE])
        d = self._changes()
        for sel, half in ((~mm, self._scale[0]), (mm, self._scale[1])):
            v = np.concatenate([d[s][sel] for s in d])
            if np.any(np.abs(v[np.isfinite(v)]) > half):
                return True
        return False

    def _redraw(self):
        """Draw everything once; later calls only move the current skeletons and the bars."""
        from .plot import cascade, overlay
        from .plot.cascade import set_limits
        from .plot.skeleton import N_SEGMENTS, check_view, segments

        status = getattr(self, "_status", "ok")
        note = "" if status in SOLVED else f"  [{status}: showing the last standing posture]"
        if hasattr(self, "_scale") and self._off_scale():
            note += "  [bars run off the axes: rescale]"
        title = f"baseline: {'the model without the preset' if self.preset else 'the model'}; " \
                f"now: {self._describe()}; insole: {self.insole}{note}"
        if not hasattr(self, "_moving"):
            for ax, view in zip(self.axes, self.views):
                overlay(self.baseline, self.result, view=view, ax=ax, exaggerate=self.exaggerate,
                        labels=("baseline", "now"), threshold_mm=float("inf"), legend=False)
            self.figure.legend(*self.axes[0].get_legend_handles_labels(), loc="outside lower left",
                               ncols=2, fontsize=8)
            cascade(self.baseline, self.result, ax=self.axes[-1])
            # the skeletons' second set of segments is the current posture
            self._moving = [[a for a in ax.lines if a.get_gid() == "chainsim.segment"][N_SEGMENTS:]
                            for ax in self.axes[:-1]]
            self._bars = self.axes[-1].chainsim_bars
            self._scale = self._fit_scale()
            set_limits(self.axes[-1], self._scale)
            self._suptitle = self.figure.suptitle(title, fontsize=9)
            self.figure.canvas.draw()                 # lay out once, then hold the positions
            self.figure.set_layout_engine("none")
            return
        a, b = self.baseline.points(), self.result.points()
        shown = {k: a[k] + self.exaggerate * (b[k] - a[k]) for k in a}
        segs = segments(shown)
        for lines, view in zip(self._moving, self.views):
            i, j = check_view(view)
            for ln, (_, p, q) in zip(lines, segs):
                ln.set_data([p[i], q[i]], [p[j], q[j]])
        d = self._changes()
        values = [v for series in ("left", "right", "pelvis/spine") for v in d[series]
                  if np.isfinite(v)]
        for bar, v in zip(self._bars, values):
            bar.set_width(v)
        self._suptitle.set_text(title)

    def _describe(self) -> str:
        """The preset and the sliders moved from it, short: ``both=flat_foot, pronation 8``."""
        side0 = "left" if self.side == "both" else self.side
        parts = [self.preset] if self.preset else []
        for k, v in self.values.items():
            start = self.base_model[f"{'left' if k in LEFT_ONLY else side0}.{k}"]
            if abs(v - start) > 1e-9:
                parts.append(f"{_SLIDERS[k][0].split(' (')[0]} {v:g}")
        return ", ".join(parts) or "as the baseline"

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
        rescale = w.Button(description="rescale", tooltip="fit the cascade's axes to the bars")
        rescale.on_click(lambda _: self.rescale())

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
            self._image = w.Image(format="png", layout=w.Layout(width="100%", max_width="1100px"))
            view = self._image
        self._rescale_button = rescale
        self._box = w.VBox([w.HBox([w.VBox(list(controls.values())), rescale]), view])
        self._show()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def explore(model: Model | None = None, **kw) -> Explorer:
    """Open the explorer (see :class:`Explorer`); in a notebook, leave it as a cell's last line."""
    return Explorer(model, **kw)


__all__ = ["Explorer", "explore", "CONTROLS"]
