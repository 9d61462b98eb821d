"""The optional dependencies ("extras") and the ImportError that names the one missing.

The core (``pip install chainsim``) solves, simulates impacts, draws and runs the command line
with numpy, scipy, numba and matplotlib; the rest is installed by need:

``sweep``     xarray, zarr, dask, distributed, SALib: ``chainsim.sweep`` and the impacts'
              time series as an xarray Dataset
``jupyter``   ipywidgets, ipykernel: the explorer's sliders (``chainsim.widgets``)
``symbolic``  sympy: ``chainsim.symbolic`` and ``make generate``
"""

from __future__ import annotations

import importlib.util
import sys


#: The extra that installs each optional module.
EXTRA_OF = {"xarray": "sweep", "zarr": "sweep", "dask": "sweep", "distributed": "sweep",
            "SALib": "sweep", "ipywidgets": "jupyter", "ipykernel": "jupyter",
            "sympy": "symbolic"}


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def missing_extra(e: ModuleNotFoundError) -> MissingExtra | None:
    """The :class:`MissingExtra` an import failure stands for, or None (not an extra's)."""
    top = (e.name or "").split(".")[0]
    if top not in EXTRA_OF:
        return None
    return MissingExtra(f"{top} is not installed: pip install 'chainsim[{EXTRA_OF[top]}]'",
                        name=top)


def _present(module: str) -> bool:
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):        # a finder refusing it, a broken install
        return False


def require(extra: str, *modules: str, what: str) -> None:
    """Raise an ImportError naming ``extra`` unless every one of ``modules`` is installed
    (looked up, not imported: cheap).

    ``what`` is what needs them, for the message (``"chainsim.sweep.run"``).
    """
    missing = [m for m in modules if not _present(m)]
    if missing:
        raise MissingExtra(f"{what} needs {', '.join(missing)}, not installed: "
                           f"pip install 'chainsim[{extra}]'", name=missing[0])
