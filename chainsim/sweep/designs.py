"""Where the points of a sweep are: chunk boundaries, and each chunk's parameter values.

Everything here is a pure function of the spec, the chunk size and the chunk's index, so any
process can compute any chunk on its own, a resumed sweep finds the same chunks, and the values
of a point do not depend on how the sweep is chunked:

* a grid is cut into blocks aligned with the storage chunks of its N-D arrays (trailing axes
  whole as far as the chunk size allows);
* ``random`` draws point i's numbers at position i of one PCG64 stream (jumped to with
  ``advance``);
* ``sobol`` is scipy's scrambled Sobol' sequence, fast-forwarded to the chunk's first point;
* ``lhs`` puts point i of dimension j in stratum ``perm_j(i)`` of n, plus a uniform jitter,
  where ``perm_j`` is a seeded pseudo-random permutation of ``range(n)`` evaluated per index (a
  Feistel network with cycle walking), so no array of n is ever built.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from ..arguments import ParameterError


def block_shape(shape: tuple, chunk_size: int) -> tuple:
    """The block of a grid of ``shape`` that holds at most ``chunk_size`` points.

    Trailing axes are taken whole while they fit, the next one partly, the leading ones one
    index at a time: ``block_shape((1000, 1000), 16384) == (16, 1000)``.
    """
    block, room = [], max(int(chunk_size), 1)
    for n in reversed(shape):
        b = min(n, room)
        block.append(b)
        room = room // n if b == n else 1
    return tuple(reversed(block))


@dataclass(frozen=True)
class Layout:
    """How a sweep's points are cut into chunks (the unit of work and of storage).

    Attributes
    ----------
    shape : tuple of int
        The result's shape (grid axes' lengths, or ``(n,)``).
    block : tuple of int
        A chunk's shape (chunks at the upper edges may be smaller).
    """

    shape: tuple
    block: tuple

    @classmethod
    def of(cls, spec, chunk_size: int) -> Layout:
        return cls(tuple(spec.shape), block_shape(spec.shape, chunk_size))

    @property
    def counts(self) -> tuple:
        """Chunks along each dimension."""
        return tuple(-(-n // b) for n, b in zip(self.shape, self.block))

    @property
    def nchunks(self) -> int:
        return math.prod(self.counts)

    def region(self, k: int) -> tuple:
        """Chunk ``k``'s slices into the result arrays."""
        index = (int(i) for i in np.unravel_index(k, self.counts))
        return tuple(slice(i * b, min((i + 1) * b, n))
                     for i, b, n in zip(index, self.block, self.shape))

    def chunk_shape(self, k: int) -> tuple:
        return tuple(s.stop - s.start for s in self.region(k))

    def points(self, k: int) -> int:
        return math.prod(self.chunk_shape(k))


def columns(spec, layout: Layout, k: int) -> dict:
    """The swept parameters' values (user units) of chunk ``k``'s points, in C order.

    Parameters
    ----------
    spec : SweepSpec
    layout : Layout
    k : int
        Chunk index, ``0 <= k < layout.nchunks``.

    Returns
    -------
    dict of str -> numpy.ndarray
        One 1-D array per swept key (``spec.fixed`` not included).
    """
    region = layout.region(k)
    if spec.design == "grid":
        parts = [_axis(values)[s] for (_, values), s in zip(spec.params, region)]
        shape = tuple(len(p) for p in parts)
        out = {}
        for i, ((key, _), part) in enumerate(zip(spec.params, parts)):
            along = [1] * len(parts)
            along[i] = len(part)
            out[key] = np.broadcast_to(part.reshape(along), shape).reshape(-1)
        return out
    start, stop = region[0].start, region[0].stop
    u = unit_sample(spec.design, len(spec.params), spec.n, spec.seed, start, stop)
    return {key: lo + u[:, j] * (hi - lo) for j, (key, (lo, hi)) in enumerate(spec.params)}


@lru_cache(maxsize=64)
def _axis(values: tuple) -> np.ndarray:
    a = np.array(values, dtype=object if isinstance(values[0], str) else float)
    a.flags.writeable = False
    return a


# ---------------------------------------------------------------------------- unit designs

def unit_sample(design: str, d: int, n: int, seed: int, start: int, stop: int) -> np.ndarray:
    """Points ``start:stop`` of an ``n``-point design in the unit cube ``[0, 1)^d``.

    The result is the same slice of the whole design whatever ``start`` and ``stop`` are.
    """
    m = stop - start
    if design == "random":
        return _uniform(seed, 0, d, start, m)
    if design == "sobol":
        from scipy.stats import qmc

        try:
            engine = qmc.Sobol(d, scramble=True, rng=seed)
        except TypeError:                        # scipy < 1.15
            engine = qmc.Sobol(d, scramble=True, seed=seed)
        if start:
            engine.fast_forward(start)
        with warnings.catch_warnings():          # balance is the whole design's business
            warnings.simplefilter("ignore", UserWarning)
            return engine.random(m)
    if design == "lhs":
        i = np.arange(start, stop, dtype=np.uint64)
        strata = np.stack([permutation(i, n, _keys(seed, j)) for j in range(d)], axis=1)
        return (strata + _uniform(seed, 2, d, start, m)) / n
    raise ParameterError(f"unknown design {design!r}")


def _uniform(seed: int, stream: int, d: int, start: int, m: int) -> np.ndarray:
    """Rows ``start:start + m`` of one stream of uniform (rows, d) draws."""
    bits = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(stream,)))
    bits.advance(int(start) * d)                 # one 64-bit draw per double
    return np.random.Generator(bits).random((m, d))


def _keys(seed: int, dim: int) -> np.ndarray:
    return np.random.SeedSequence(seed, spawn_key=(1, dim)).generate_state(4, np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    """A 64-bit integer hash (the splitmix64 finalizer)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def permutation(i: np.ndarray, n: int, keys: np.ndarray) -> np.ndarray:
    """``perm(i)`` for a pseudo-random permutation ``perm`` of ``range(n)`` chosen by ``keys``.

    A balanced Feistel network permutes ``range(4**h)`` (the smallest such range holding n);
    values that land at or above n are sent through it again ("cycle walking") until they fall
    below n, which restricts the permutation to ``range(n)``.
    """
    half = max(1, ((n - 1).bit_length() + 1) // 2)
    h, mask = np.uint64(half), np.uint64((1 << half) - 1)

    def rounds(x):
        left, right = x >> h, x & mask
        for key in keys:
            left, right = right, left ^ (_mix(right ^ key) & mask)
        return (left << h) | right

    y = rounds(np.asarray(i, dtype=np.uint64))
    out = y >= n
    while out.any():
        y[out] = rounds(y[out])
        out = y >= n
    return y.astype(np.int64)
