"""Backends run blocking, comparison and scoring over the pairs; see :mod:`linkage.backends.base`."""

from __future__ import annotations

from typing import Any

from .base import Backend


def get_backend(name: str) -> Backend[Any]:
    if name == "pandas":
        from .pandas_backend import PandasBackend

        return PandasBackend()
    raise ValueError(f"unknown linkage backend {name!r}; available: pandas")
