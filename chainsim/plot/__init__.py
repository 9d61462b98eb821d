"""Figures of results (matplotlib): every helper takes ``ax=`` and returns what it drew on.

==================  ==========================================================================
``skeleton``        stick figure (frontal, sagittal, top, 3-D) with ground and joint reactions
``skeleton_views``  the same in several views side by side (a figure)
``overlay``         two results over each other, the landmarks that moved highlighted
``cascade``         the change at each level, foot to lumbar spine
``joint_loads``     ground, ankle, knee, hip and L5/S1 forces per side, in BW
``heatmap``         an output over two sweep axes (cells or contours) with a colour bar
``lines``           an output along one sweep axis
``sobol_bars``      Sobol' indices of one output (``chainsim.sweep.sobol``)
``tornado_bars``    one-at-a-time swings of one output (``chainsim.sweep.tornado``)
``impact_series``   ground reaction and transmitted forces of an impact over time
``animate_sweep``   animation of a parameter sweep (pronation by default)
``animate_impact``  animation of an impact
``new_figure``      a pyplot figure at the helpers' resolution (``DPI``), constrained layout
==================  ==========================================================================

matplotlib is imported when a helper is called, not with this package.
"""

from ._util import DPI, new_figure
from .animate import animate_impact, animate_sweep, save_gif, to_html
from .cascade import cascade
from .impact import impact_series
from .loads import joint_loads
from .overlay import overlay
from .skeleton import ground_forces, joint_forces, skeleton, skeleton_views
from .sweeps import heatmap, lines, sobol_bars, tornado_bars

__all__ = ["skeleton", "skeleton_views", "overlay", "cascade", "joint_loads", "heatmap", "lines",
           "sobol_bars", "tornado_bars", "impact_series", "animate_sweep", "animate_impact",
           "to_html", "save_gif", "ground_forces", "joint_forces", "new_figure", "DPI"]
