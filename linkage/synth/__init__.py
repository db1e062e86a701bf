"""Realistic synthetic silos for Satu Atap: people, families, the recruitment market and seven sources.

``generate(people, seed, out)`` writes every silo in its own house style with realistic errors, a
``manifest.toml`` that reads them back, and ground truth (``truth.parquet`` and friends). No real person
is described; the same seed always gives byte-identical files.
"""

from .generator import SynthResult, generate

__all__ = ["SynthResult", "generate"]
