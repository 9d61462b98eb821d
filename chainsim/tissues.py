"""Soft tissues and muscle tone: the laws and constants behind the joint springs and contacts.

Literature values name their source; values marked *assumption* are modelling choices,
listed in docs/model.md, not fitted to any output.
"""

from __future__ import annotations

#: Gravitational acceleration (m/s^2), for every module that needs it.
GRAVITY = 9.81

# --- plantar soft tissue under the heel and the metatarsal heads ------------------------------
#: Contact law F = k d^2 (the exponent is in chainsim.symbolic.energies; stiffening, assumption);
#: k from a heel pad of about 16 mm (BMC MSD 2022, doi 10.1186/s12891-022-05197-w) compressed
#: about 8 mm (strain ~0.5) under about 800 N in walking (assumption of the order reported by
#: Wearing et al. 2009, Clin Biomech 24:397): k = 800 / 0.008^2.  The same law is used under the
#: metatarsal heads and the toes.
CONTACT_K = 800.0 / 0.008**2
#: A heel cup confines the heel's fat pad and stiffens it: heel contact stiffness x 1.5
#: (assumption; the direction is what cups are made for, the size is not from a measurement).
HEEL_CUP_FACTOR = 1.5
#: Tangential (friction) stiffness of the plantar tissue holding each foot in place (assumption).
FRICTION_STIFFNESS = 5.0e4
#: Friction coefficient, only to flag slipping (assumption, bare foot or shoe on a dry floor).
FRICTION_COEFFICIENT = 0.6
#: Forefoot (midtarsal) inversion/eversion stiffness: 90 N m/rad, the KU Leuven foot model's
#: linear midtarsal stiffness (docs/references.md §3, C-code), used about the long axis.
FOREFOOT_STIFFNESS = 90.0

# --- postural muscle tone (assumption) ---------------------------------------------------------
#: Tone stiffness about the neutral standing posture, in units of m g H (body weight times
#: stature), per leg coordinate.  Sagittal values give the two ankles together about 1.25 times
#: the inverted-pendulum stiffness m g h_com (quiet standing needs more than m g h_com;
#: docs/references.md §4); frontal hip values make lateral sway stable with margin; axial rotations,
#: knee valgus and the subtalar joint get the stiffness of passive joint structures; the toe
#: flexors a little (assumption).
LEG_TONE = {
    "hip_flexion": 0.35, "hip_adduction": 0.35, "hip_rotation": 0.05,
    "knee_flexion": 0.35, "knee_valgus": 1.0, "knee_rotation": 0.05,
    "ankle_dorsiflexion": 0.35, "subtalar_eversion": 0.05, "toe_extension": 0.005,
}
#: Lumbar tone about the neutral lordosis, m g H units (assumption).
LUMBAR_TONE = 0.05
#: Trunk-upright rule: stiffness of the trunk's orientation in space, m g H units (assumption).
#: Much stiffer than the lumbar tone, so that lordosis takes up pelvic tilt about 1:1
#: (JOSPT 1996 24(3):130, docs/references.md §2).
UPRIGHT_TONE = 1.0
#: Balance rule: the nervous system keeps the whole-body centre of mass over the feet.  Its
#: stiffness is BALANCE_TONE x m g / h_com, i.e. an inverted pendulum held with BALANCE_TONE
#: times its gravitational stiffness (assumption); h_com ~ 0.55 stature (Winter 2009).
BALANCE_TONE = 2.0
COM_HEIGHT_PER_STATURE = 0.55
