"""Layout of the flat arrays that cross the boundary of the compiled core.

A model packs into one float64 vector ``theta`` (SI units) of length ``NP``:

    [ global block (NG) | left side block (NS) | right side block (NS) ]

Both side blocks describe a *left* leg: the right side is given, and solved, in the
mirror image of the world (y -> -y), so one code path serves both.  The coordinate
vector ``q`` (length ``NQ``) is [pelvis (6) | lumbar (3) | left leg (10) | right leg (10)].
"""

from __future__ import annotations

from .._generated.model import BASE, LEG, LEG_PARAMS, LEG_POINTS, LUMBAR, TRUNK_PARAMS

# --- coordinates ----------------------------------------------------------------------------
NB = len(BASE)                       # 6 pelvis coordinates
NL = len(LEG)                        # 11 coordinates per leg
NLUM = len(LUMBAR)                   # 3 lumbar coordinates
NCHAIN = NB + NL                     # 17 coordinates in one leg's chain
NTRUNK = NB + NLUM                   # 9 coordinates in the trunk's chain
Q_LUMBAR = NB
Q_LEFT = NB + NLUM
Q_RIGHT = Q_LEFT + NL
NQ = Q_RIGHT + NL                    # 31

# postural setpoints: shifts of tone rest angles that the nervous system chooses so that the
# centre of mass stays over its neutral place (ankles: x; hips: y) and the trunk upright
R_ANKLE, R_HIP, R_LUMBAR_EXT, R_LUMBAR_BEND = range(4)
NR = 4

# leg coordinates (offsets inside a leg block)
(HIP_FLEX, HIP_ADD, HIP_ROT, KNEE_FLEX, KNEE_VAL, KNEE_ROT, ANKLE, SUBTALAR, ARCH, FOREFOOT,
 TOE) = range(NL)

# --- global block ---------------------------------------------------------------------------
NTP = len(TRUNK_PARAMS)
G_GRAVITY = 0
G_MASS = 1                           # body mass (kg)
G_TRUNK = 2                          # TRUNK_PARAMS
G_PELVIS_MASS = G_TRUNK + NTP
G_HAT_MASS = G_PELVIS_MASS + 1
G_LUMBAR_K = G_HAT_MASS + 1          # tone stiffness, 3 lumbar coordinates
G_UPRIGHT_K = G_LUMBAR_K + NLUM      # trunk-upright rule stiffness (N m / rad)
G_BALANCE_K = G_UPRIGHT_K + 1        # balance rule: centre of mass over the feet (N / m)
G_FRICTION = G_BALANCE_K + 1         # friction coefficient (for the slip check only)
# (appended for the dynamics, chainsim.core.dynamics)
G_PELVIS_INERTIA = G_FRICTION + 1    # principal moments of inertia about the CoM, pelvis frame (3)
G_HAT_INERTIA = G_PELVIS_INERTIA + 3  # the same for the HAT, trunk frame (3)
G_LUMBAR_DAMPING = G_HAT_INERTIA + 3  # lumbar joint damping, 3 coordinates (N m s / rad)
NG = G_LUMBAR_DAMPING + NLUM

# --- side block -----------------------------------------------------------------------------
NKP = len(LEG_PARAMS)
CONTACT_NAMES = ("heel_medial", "heel_lateral", "mt1", "mt5", "toe", "midfoot")
NCONTACT = len(CONTACT_NAMES)        # heel (2), first and fifth metatarsal heads, toes, midfoot
CONTACT_POINTS = tuple(LEG_POINTS.index(n) for n in CONTACT_NAMES)
C_HEEL_M, C_HEEL_L, C_MT1, C_MT5, C_TOE, C_MID = range(NCONTACT)
NCF = 6                              # per contact: normal (3), offset, tissue stiffness, compliance
S_KIN = 0                            # LEG_PARAMS
S_MASS = S_KIN + NKP                 # thigh, shank, rearfoot, forefoot
S_REST = S_MASS + 4                  # rest angle of each leg coordinate
S_KPOS = S_REST + NL                 # tone stiffness for q > rest
S_KNEG = S_KPOS + NL                 # tone stiffness for q < rest
S_ARCH = S_KNEG + NL                 # A, rho, c1, c2, c3 (see energies.arch)
S_CONTACT = S_ARCH + 5
S_ANCHOR = S_CONTACT + NCF * NCONTACT  # heel anchor (3), forefoot anchor (3), lateral (3), k
S_FASCIA = S_ANCHOR + 10             # plantar fascia: stiffness, slack length, windlass radius
S_DRIVE = S_FASCIA + 3               # prescribed angles: subtalar (flag, value), toes (flag, value)
S_FOOT = S_DRIVE + 4                 # truncated foot length (heel to first metatarsal head), m
# (appended for the dynamics, chainsim.core.dynamics)
S_INERTIA = S_FOOT + 1               # principal moments about each CoM, segment frame: thigh,
                                     # shank, rearfoot, forefoot, toes (5 x 3)
S_TOES_MASS = S_INERTIA + 15         # toes: mass at the MTP centre, taken out of the forefoot's
S_DAMPING = S_TOES_MASS + 1          # joint damping of each leg coordinate (N m s / rad)
S_TISSUE_DAMPING = S_DAMPING + NL    # Hunt-Crossley damping of the plantar tissue (s / m)
S_CUSHION_DAMPING = S_TISSUE_DAMPING + 1  # cushioning layer damping under each contact (N s / m)
S_SHEAR = S_CUSHION_DAMPING + NCONTACT    # per contact: tangential stiffness (N/m), damping (N s/m)
NS = S_SHEAR + 2
DRIVEN = (SUBTALAR, TOE)             # the coordinates that can be prescribed, in S_DRIVE order

SIDE_OFFSET = (NG, NG + NS)
NP = NG + 2 * NS

# leg points used by the energy (indices into LEG_POINTS)
NPOINTS = len(LEG_POINTS)
P_HIP, P_KNEE, P_ANKLE, P_SUBTALAR, P_MIDTARSAL, P_HEEL, P_RF_COM, P_HEEL_M, P_HEEL_L, P_MT1, P_MT5, \
    P_FF_ANCHOR, P_NAVICULAR, P_MIDFOOT, P_FF_COM, P_THIGH_COM, P_SHANK_COM, P_DORSUM, \
    P_FASCIA_ORIGIN, P_FASCIA_PULLEY, P_MTP, P_TOE = (
        LEG_POINTS.index(n) for n in (
            "hip", "knee", "ankle", "subtalar", "midtarsal", "heel", "rearfoot_com", "heel_medial",
            "heel_lateral", "mt1", "mt5", "forefoot_anchor", "navicular", "midfoot",
            "forefoot_com", "thigh_com", "shank_com", "dorsum", "fascia_origin",
            "fascia_pulley", "mtp", "toe"))
COM_POINTS = (P_THIGH_COM, P_SHANK_COM, P_RF_COM, P_FF_COM)   # order of the S_MASS entries
