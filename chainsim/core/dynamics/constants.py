"""Constants of the dynamics: inertia split, damping, plantar tissue and shear (compiled-core side).

Literature values name their source (docs/references.md tags: C read, C-code transcribed from a
public model, D derived here, U unconfirmed); *assumption* marks a modelling choice.
"""

from __future__ import annotations

#: Share of the foot's mass in the toes: OpenSim's generic models (gait2392 / Rajagopal) give
#: talus 0.10, calcaneus 1.25 and toes 0.2166 kg (C-code, as listed by AddBiomechanics for the
#: unscaled models), so the toes are 0.2166 / 1.5666 = 0.138 of the foot (D).  chainsim puts
#: this mass at the MTP joint centre (on the toes' axis, assumption), taken out of the forefoot
#: so that the weight of the foot, and the static model, are unchanged.
TOES_MASS_SHARE = 0.2166 / (0.10 + 1.25 + 0.2166)
#: Toes length (MTP line to tip) as a share of foot length: the foot ends 0.70 foot lengths in
#: front of the ankle and the MTP line lies at 0.45 (chainsim.geometry; assumption).
TOES_LENGTH_SHARE = 0.25

#: Passive joint damping, Falisse et al. 2019 (docs/references.md section 4, C-code): d = 0.1 N m s/rad.
FALISSE_DAMPING = 0.1
#: Muscle tone damping: joint viscosity and stiffness both grow linearly with muscle activation
#: (Agarwal & Gottlieb 1977, J Biomech Eng 99:166, C: abstract), so the tone's damping is its
#: stiffness times a time constant; 0.01 s, of the order of ankle impedance estimates (damping
#: 1-3 N m s/rad at stiffness 100-300 N m/rad; U: recalled, not checked here).  The same time
#: constant damps the arch ligaments, the forefoot's eversion and the plantar tissue's shear.
TONE_DAMPING_TIME = 0.01

#: Energy lost by the heel pad in an isolated single impact (pendulum tests): about 48%
#: (Ker 1996, J Exp Biol 199:1501, docs/references.md section 3, C).  The pad's damping is of the
#: Hunt-Crossley kind, F = F_el (1 + alpha * d'), whose energy loss depends only on alpha times the
#: impact speed; for the quadratic law F_el = k d^2 a loss of 48% needs alpha v = 0.5740 (D:
#: integrated here; no test checks it yet).  The speed: 1 m/s, about the
#: heel's touchdown speed in running (assumption).
HEEL_PAD_LOSS = 0.48
HEEL_PAD_ALPHA_V = 0.5740
HEEL_IMPACT_SPEED = 1.0
TISSUE_DAMPING = HEEL_PAD_ALPHA_V / HEEL_IMPACT_SPEED

#: Shoulders: the arms hang at the sides of the HAT, their centres of mass half a shoulder width
#: (0.259 x stature, Winter 2009 Fig. 4.1 after Drillis & Contini 1966) from the midline
#: (assumption: the arms are point masses there).
SHOULDER_WIDTH_PER_STATURE = 0.259
