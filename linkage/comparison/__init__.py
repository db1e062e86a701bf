"""Comparison families (names, NIK, dates, identifiers) over vectorised similarity kernels.

Each comparison puts every candidate pair on one level; see docs/linkage.md for the levels.
"""
