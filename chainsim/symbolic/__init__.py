"""Build-time and teaching side of chainsim: the sympy derivation, the code generator and the
model's equations for display.  The runtime never imports this package (see ``codegen``).

>>> from chainsim.symbolic import subtalar_coupling
>>> subtalar_coupling().ratio
tan(lambda)/cos(delta)
"""

from .._extras import require

require("symbolic", "sympy", what="chainsim.symbolic")

from .equations import (
    ArchLaw,
    ContactLaw,
    SubtalarCoupling,
    arch_law,
    contact_law,
    equation,
    list_equations,
    leg_chain,
    mitered_hinge_ratio,
    passive_moment,
    point,
    subtalar_coupling,
)

__all__ = [
    "ArchLaw", "ContactLaw", "SubtalarCoupling", "arch_law", "contact_law", "equation",
    "list_equations", "leg_chain", "mitered_hinge_ratio", "passive_moment", "point",
    "subtalar_coupling",
]
