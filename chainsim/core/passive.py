"""Literature constants of the passive joint moments (compiled-core side).

Falisse et al. 2019, J R Soc Interface 16:20190402 (as transcribed in docs/references.md §4):
tau = k1 exp(k2 (q - theta2)) + k3 exp(k4 (q - theta1)), angles in rad, in OpenSim's
coordinate conventions.  Rows: k1, k2, k3, k4, theta1, theta2, and the sign that turns the
chainsim coordinate into OpenSim's (the knee angle is negative in flexion there).
"""

from __future__ import annotations

import numpy as np

from .._generated.layout import NL, NLUM

# k1, k2, k3, k4, theta1, theta2, sign  -- Falisse et al. 2019 (docs/references.md §4)
_HIP_FLEX = (-2.44, 5.05, 1.51, -21.88, -0.6981, 1.81, 1.0)
_HIP_ADD = (-0.03, 14.94, 0.03, -14.94, -0.5, 0.5, 1.0)
_HIP_ROT = (-0.03, 14.94, 0.03, -14.94, -0.92, 0.92, 1.0)
_KNEE = (-6.09, 33.94, 11.03, -11.33, -2.4, 0.13, -1.0)
_ANKLE = (-2.03, 38.11, 0.18, -12.12, -0.74, 0.52, 1.0)
_SUBTALAR = (-60.21, 16.32, 60.21, -16.32, -0.65, 0.65, 1.0)
_MTP = (-0.9, 14.87, 0.18, -70.08, 0.0, 1.1345, 1.0)
_TRUNK_EXT = (-0.35, 30.72, 0.25, -20.36, -0.5236, 0.17, 1.0)
_TRUNK_BEND = (-0.25, 20.36, 0.25, -20.36, -0.349, 0.349, 1.0)
_NONE = (0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0)

#: Falisse coefficients per leg coordinate (hip x3, knee flexion, -, -, ankle, subtalar, -, -,
#: toes).
LEG_FALISSE = np.array(
    [_HIP_FLEX, _HIP_ADD, _HIP_ROT, _KNEE, _NONE, _NONE, _ANKLE, _SUBTALAR, _NONE, _NONE, _MTP]
)
#: Falisse coefficients per lumbar coordinate (extension, bending, rotation).
LUMBAR_FALISSE = np.array([_TRUNK_EXT, _TRUNK_BEND, _TRUNK_BEND])

#: Knee ad/abduction and axial-rotation limits, Falisse et al. 2019: tau = -30 (q / 7.5 deg)^5.
KNEE_LIMIT_C = 30.0
KNEE_LIMIT_QREF = np.deg2rad(7.5)
#: which leg coordinates carry the knee limit
LEG_LIMIT5 = np.array([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0], dtype=np.bool_)

assert LEG_FALISSE.shape == (NL, 7) and LUMBAR_FALISSE.shape == (NLUM, 7)
