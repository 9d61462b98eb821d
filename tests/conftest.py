"""Shared fixtures: solved models are cached for the whole session (solves are cheap, but the
same few are used by many tests)."""

from __future__ import annotations

import functools

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
