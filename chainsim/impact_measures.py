"""What an impact is measured by: its scalars (impact peak, loading rate, joint peaks, shock
attenuation), how they are read from the time series, and their error estimate by step
doubling, with the tolerances beyond which an impact is reported ``inaccurate``.

The impact peak and the loading rate follow Lieberman et al. 2010 (docs/references.md): the
peak is the first local maximum of the landing foot's vertical force in the first 50 ms, and
the loading rate the mean slope from 20% to 80% of it.
"""

from __future__ import annotations

import math

import numpy as np

#: Tolerance of each scalar's estimated error (step doubling, see the module's docstring):
#: 2% of its value (a choice: the resolution at which the model's results are discussed, far
#: below the spread of the measurements they are compared with), the same 2% on the
#: acceleration ratio for the shock attenuation (20 log10 1.02 = 0.17 dB), and one recording
#: interval for the impact time (the series' time resolution).
RELATIVE_TOLERANCE = 0.02
SHOCK_ATTENUATION_TOLERANCE_DB = 20 * math.log10(1 + RELATIVE_TOLERANCE)
#: The impact peak is looked for in the first 50 ms after touchdown (assumption: Lieberman et
#: al. 2010's heel-strike impact peaks occur within this window, see their Fig. 1).
IMPACT_WINDOW_S = 0.05

#: The scalars of an impact: name -> (unit, meaning).
SCALARS = {
    "impact_peak_bw": ("BW", "first local maximum of the landing (left) foot's vertical GRF in "
                       "the first 50 ms; NaN where the force rises without one (no impact "
                       "transient)"),
    "impact_time_s": ("s", "time of the impact peak (NaN without one)"),
    "loading_rate_bw_per_s": ("BW/s", "Lieberman et al. 2010: mean slope of the vertical GRF "
                              "from 20% to 80% of the impact peak; without an impact peak, "
                              "of 20% to 80% of the force reached at 50 ms"),
    "ankle_peak_bw": ("BW", "largest left ankle force in the first 50 ms"),
    "knee_peak_bw": ("BW", "largest left knee force in the first 50 ms"),
    "hip_peak_bw": ("BW", "largest left hip force in the first 50 ms"),
    "l5s1_peak_bw": ("BW", "largest L5/S1 force in the first 50 ms"),
    "grf_peak_bw": ("BW", "largest vertical GRF of the landing foot over the whole run"),
    "arch_peak_mm": ("mm", "largest left arch deflection over the whole run"),
    "shock_attenuation_db": ("dB", "20 log10 of the peak vertical acceleration at the tibia "
                             "over that at the sacrum (accelerometer readings minus 1 g, first "
                             "50 ms); > 0 when the chain attenuates the shock"),
}

#: Tolerance of each scalar's estimated error (see ``RELATIVE_TOLERANCE``)
TOLERANCES = {k: ("one recording interval (record_s)" if k == "impact_time_s" else
                  f"{SHOCK_ATTENUATION_TOLERANCE_DB:.2f} dB" if k == "shock_attenuation_db" else
                  f"{100 * RELATIVE_TOLERANCE:g}% of the value") for k in SCALARS}


def read_scalars(t, series):
    """Scalars of N runs from their series (dict name -> (N, T) arrays in output units)."""
    grf = series["left.grf_bw"]
    n = grf.shape[0]
    win = t <= IMPACT_WINDOW_S + 1e-12
    out = {k: np.full(n, np.nan) for k in SCALARS}
    for i in range(n):
        g = grf[i]
        gw = g[win]
        # first local maximum (strict rise then fall) of the GRF in the window
        k = next((j for j in range(1, len(gw) - 1) if gw[j] > gw[j - 1] and gw[j] >= gw[j + 1]
                  and gw[j] > 0.05), None)
        if k is not None:
            out["impact_peak_bw"][i] = gw[k]
            out["impact_time_s"][i] = t[win][k]
            ref, kend = gw[k], k
        else:
            ref, kend = gw[-1], len(gw) - 1
        tw = t[win][:kend + 1]
        gk = gw[:kend + 1]
        if ref > 0 and len(gk) > 2:
            t20 = np.interp(0.2 * ref, np.maximum.accumulate(gk), tw)
            t80 = np.interp(0.8 * ref, np.maximum.accumulate(gk), tw)
            if t80 > t20:
                out["loading_rate_bw_per_s"][i] = 0.6 * ref / (t80 - t20)
        for key, name in (("ankle_peak_bw", "left.ankle_force_bw"),
                          ("knee_peak_bw", "left.knee_force_bw"),
                          ("hip_peak_bw", "left.hip_force_bw"),
                          ("l5s1_peak_bw", "lumbar.l5s1_force_bw")):
            out[key][i] = np.nanmax(series[name][i][win])
        out["grf_peak_bw"][i] = np.nanmax(g)
        out["arch_peak_mm"][i] = np.nanmax(series["left.arch_deflection_mm"][i])
        tib = np.nanmax(np.abs(series["left.tibia_acceleration_g"][i][win] - 1.0))
        sac = np.nanmax(np.abs(series["sacrum.acceleration_g"][i][win] - 1.0))
        out["shock_attenuation_db"][i] = 20 * np.log10(tib / sac)
    return out


def check_step(step_s: float, nsteps: int, every: int) -> tuple[float, int, int, int]:
    """The step-doubling check's run: (step, steps, recording interval in steps, factor).

    Twice the step when the recording interval is an even number of steps (the check then
    samples the same times; the estimated error of the run at ``h`` is the difference from the
    run at ``2h``), else half the step (the error is twice the difference: first order).
    """
    if every % 2 == 0:
        return 2 * step_s, nsteps // 2, every // 2, 1.0
    return step_s / 2, 2 * nsteps, 2 * every, 2.0


def estimated_errors(scalars: dict, check: dict, factor: float, record_s: float):
    """Estimated error of each scalar (``factor`` times its difference from the check run's)
    and whether the impact is accurate: every error within its tolerance (``TOLERANCES``),
    and the impact peak found in both runs or in neither."""
    n = len(scalars["impact_peak_bw"])
    errors, accurate = {}, np.ones(n, bool)
    for k in SCALARS:
        a, b = np.asarray(scalars[k], float), np.asarray(check[k], float)
        err = factor * np.abs(a - b)
        both_nan = np.isnan(a) & np.isnan(b)
        err[both_nan] = 0.0
        errors[k] = err
        if k == "impact_time_s":
            tol = np.full(n, record_s * (1 + 1e-9))
        elif k == "shock_attenuation_db":
            tol = np.full(n, SHOCK_ATTENUATION_TOLERANCE_DB)
        else:
            tol = RELATIVE_TOLERANCE * np.abs(a)
        accurate &= both_nan | (err <= tol)          # NaN in one run only: not accurate
    return errors, accurate


__all__ = ["SCALARS", "TOLERANCES", "RELATIVE_TOLERANCE", "SHOCK_ATTENUATION_TOLERANCE_DB",
           "IMPACT_WINDOW_S", "read_scalars", "check_step", "estimated_errors"]
