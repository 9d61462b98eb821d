"""Figures of results (matplotlib); every helper takes ``ax=`` and returns what it drew on."""

from .skeleton import cascade, skeleton

__all__ = ["skeleton", "cascade"]
