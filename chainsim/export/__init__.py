"""Export the chain to other simulators: MuJoCo MJCF (``to_mjcf``) and OpenSim (``to_osim``).

OpenSim is needed only to write ``.osim`` files (``pip install opensim``).
"""

from .mjcf import to_mjcf
from .osim import to_osim

__all__ = ["to_mjcf", "to_osim"]
