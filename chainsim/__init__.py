"""chainsim: the human lower body as one linked chain, from the foot to the lumbar spine.

>>> import chainsim as cs
>>> r = cs.solve(cs.Model(both__wedge_deg=10))
>>> r["left.tibial_rotation_deg"] > cs.solve()["left.tibial_rotation_deg"]
True

The core (solve, impact, figures, command line) needs numpy, scipy, numba and matplotlib; the
sweeps, the Jupyter explorer and the sympy derivation are extras (``pip install
'chainsim[sweep]'``, ``[jupyter]``, ``[symbolic]``), named by the ImportError where missing.
"""

#: The version (a literal: the build reads it without importing the package).
__version__ = "0.1.0"

from .compare import compare
from .conditions import CONDITIONS, apply_presets
from .fitting import design_insole
from .insoles import CATALOGUE as INSOLES
from .insoles import Insole, with_insoles
from .model import Model
from .outputs import OUTPUTS
from .params import REGISTRY as PARAMS
from .params import ParameterError
from .statics import BatchResult, StaticResult, solve, solve_batch, solve_columns
from .dynamics import impact, impact_batch
from . import sweep  # parameter sweeps (their heavy dependencies load on first use)

__all__ = ["Model", "solve", "solve_batch", "solve_columns", "StaticResult", "BatchResult",
           "ParameterError", "PARAMS", "OUTPUTS", "sweep", "CONDITIONS", "apply_presets",
           "Insole", "INSOLES", "with_insoles", "compare", "design_insole", "impact",
           "impact_batch", "__version__"]
