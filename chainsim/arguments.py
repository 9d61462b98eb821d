"""The checks of the public functions' arguments: one function per kind of argument.

Each check returns the value converted (an ``int``, a ``float``, ...) or raises
:class:`chainsim.ParameterError` naming the argument, the value given and what is allowed.
The parameters' own values are checked by :mod:`chainsim.params` with :func:`number`.

The memory a batch needs is checked before anything is allocated (:func:`check_memory`,
against :func:`memory_limit`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence

import numpy as np


class ParameterError(ValueError, TypeError):
    """An argument or parameter that chainsim refuses, with the reason in the message.

    A ``ValueError`` and, since some refusals are of an argument of the wrong kind, a
    ``TypeError`` too (as numpy's ``AxisError`` is a ``ValueError`` and an ``IndexError``).
    """


#: The environment variable that sets the memory limit of batches and sweeps (gigabytes).
MEMORY_VARIABLE = "CHAINSIM_MEMORY_LIMIT_GB"
#: Share of the machine's available memory a batch or sweep may use (unless MEMORY_VARIABLE).
MEMORY_SHARE = 0.5


def shown(value) -> str:
    """``repr(value)``, shortened to a readable length, with its type when that helps."""
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    if isinstance(value, (str, int, float, bool)) or value is None:
        return text
    return f"{text} (a {type(value).__name__})"


def refuse(name: str, value, allowed: str):
    """Raise the ParameterError of argument ``name``: its value and what is allowed."""
    raise ParameterError(f"{name} = {shown(value)} is not allowed; {allowed}")


def number(value, text: bool = False) -> float | None:
    """``value`` as a float, or None if it is not one real number.

    Refused: booleans, bytes (``b"1"`` is not a number), complex numbers, None, arrays (of
    one or more dimensions) and text, unless ``text`` (then ``"10"`` is 10.0: a parameter's
    value may come as text, as in a column mixing numbers and text, which numpy turns into
    text).  An integer beyond the float range is ``±inf`` (so it is out of any range, not an
    OverflowError).
    """
    if value is None or isinstance(value, (bool, np.bool_, bytes, complex, np.complexfloating)):
        return None
    if isinstance(value, str) and not text:
        return None
    if np.ndim(value) != 0:
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
    except (TypeError, ValueError):
        return None


def check_int(name: str, value, low: int, high: int | None = None) -> int:
    """A whole number (not a bool, not a float) in ``low .. high`` (``high`` None: no limit)."""
    allowed = (f"a whole number from {low} to {high}" if high is not None
               else f"a whole number >= {low}")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        refuse(name, value, allowed)
    if value < low or (high is not None and value > high):
        refuse(name, value, allowed)
    return int(value)


def check_float(name: str, value, low: float, high: float, unit: str = "") -> float:
    """A finite real number in ``low .. high`` (either may be infinite: no limit)."""
    x = number(value)
    if x is None or not (math.isfinite(x) and low <= x <= high):
        bounded = math.isfinite(low) or math.isfinite(high)
        refuse(name, value, (f"a number from {low:g} to {high:g} {unit}" if bounded
                             else f"a finite number {unit}").rstrip())
    return x


def check_choice(name: str, value, choices):
    """One of ``choices`` (compared as given: text is not converted)."""
    if not any(type(value) is type(c) and value == c for c in choices):
        refuse(name, value, "one of " + ", ".join(repr(c) for c in choices))
    return value


def check_bool(name: str, value, optional: bool = False):
    """True or False (or None when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, (bool, np.bool_)):
        refuse(name, value, "True or False" + (" (or None)" if optional else ""))
    return bool(value)


def check_text(name: str, value) -> str:
    """A str."""
    if not isinstance(value, str):
        refuse(name, value, "a str")
    return value


def check_instance(name: str, value, kinds, what: str):
    """An instance of ``kinds`` (a class or a tuple of them); ``what`` says which, for people."""
    if not isinstance(value, kinds):
        refuse(name, value, what)
    return value


def check_mapping(name: str, value, optional: bool = False) -> dict:
    """A mapping with str keys, as a dict (None gives ``{}`` when ``optional``)."""
    if value is None and optional:
        return {}
    if not isinstance(value, Mapping):
        refuse(name, value, "a mapping of str keys to values (a dict)"
               + (" or None" if optional else ""))
    for key in value:
        if not isinstance(key, str):
            refuse(f"a key of {name}", key, "keys are str, e.g. 'left.wedge_deg'")
    return dict(value)


def check_texts(name: str, value) -> list:
    """One str or a sequence (list, tuple) of them, as a list."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Sequence) or isinstance(value, (bytes, bytearray)):
        refuse(name, value, "a str or a list of str")
    for v in value:
        check_text(f"an item of {name}", v)
    return list(value)


def check_threads(threads) -> int | None:
    """None (numba's default) or a thread count from 1 to ``numba.config.NUMBA_NUM_THREADS``."""
    if threads is None:
        return None
    import numba

    return check_int("threads", threads, 1, numba.config.NUMBA_NUM_THREADS)


# ---------------------------------------------------------------------------- memory

def available_memory() -> float:
    """Bytes of memory available now (``MemAvailable``), else the physical memory."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return float("inf")


def memory_limit() -> tuple[float, str]:
    """The most memory (bytes) one batch or sweep may take, and where that limit comes from.

    ``CHAINSIM_MEMORY_LIMIT_GB`` (a positive number of gigabytes, 1e9 bytes) if set; else
    :data:`MEMORY_SHARE` of the memory available now (:func:`available_memory`).
    """
    given = env_bytes(MEMORY_VARIABLE)
    if given is not None:
        return given, f"{MEMORY_VARIABLE}={os.environ[MEMORY_VARIABLE].strip()}"
    return MEMORY_SHARE * available_memory(), (
        f"{MEMORY_SHARE:.0%} of the memory available now; set {MEMORY_VARIABLE} to change it")


def env_bytes(variable: str) -> float | None:
    """The bytes that environment variable ``variable`` sets, in gigabytes (1e9 bytes); None
    when it is not set.  Anything but a positive finite number is refused."""
    text = os.environ.get(variable)
    if text is None or not text.strip():
        return None
    try:
        gb = float(text)
    except ValueError:
        gb = math.nan
    if not (math.isfinite(gb) and gb > 0):
        refuse(f"{variable} (environment variable)", text, "a number of gigabytes above zero")
    return gb * 1e9


def check_memory(need_bytes: int, what: str) -> None:
    """Refuse a batch that would need more than :func:`memory_limit`.

    Parameters
    ----------
    need_bytes : int
        The estimate (e.g. :func:`chainsim.statics.solve_memory_bytes`).
    what : str
        The batch, for the message (e.g. ``"solve_columns of 1000000000 points"``).

    Raises
    ------
    ParameterError
        Giving the estimate, the limit and where the limit comes from.
    """
    limit, why = memory_limit()
    if need_bytes > limit:
        raise ParameterError(
            f"{what} would need about {need_bytes / 1e9:.3g} GB of memory, more than the "
            f"limit of {limit / 1e9:.3g} GB ({why}); solve it in smaller batches")
