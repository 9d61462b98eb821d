"""Shared fixtures: solved models are cached for the whole session (solves are cheap, but the
same few are used by many tests)."""

from __future__ import annotations

import functools
import sys

import pytest

import chainsim as cs


@functools.lru_cache(maxsize=None)
def _solve(items):
    return cs.solve(cs.Model(dict(items)))


def solved(**params):
    """Solve ``Model(**params)`` once per session (keys use ``__`` for dots)."""
    return _solve(tuple(sorted((k.replace("__", "."), v) for k, v in params.items())))


@pytest.fixture(scope="session")
def neutral():
    return solved()


@pytest.fixture(autouse=True)
def _close():
    """Close the figures a test drew (when it drew any)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def gid(ax, name):
    """The artists on ``ax`` that a plot helper tagged ``chainsim.<name>``."""
    return [a for a in ax.get_children() if a.get_gid() == f"chainsim.{name}"]
