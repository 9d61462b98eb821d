"""Compiled dynamics of the chain: rigid-body algorithms, forces, contacts and integrators.

Arrays only (see ``chainsim.core``); the public API is ``chainsim.dynamics``.
"""
