"""Checking that a file has every column its manifest entry names, before any row is mapped."""

from __future__ import annotations

from ..manifest import SourceSpec, closest
from .errors import SourceFileError


class MissingColumnError(SourceFileError):
    """A manifest names a column the file lacks; the message names file, column and closest match."""


def check_columns(spec: SourceSpec, file: str, header: list[str]) -> None:
    """Raise :class:`MissingColumnError` for the first needed column absent from ``header``.

    A file without a header (empty file) has no columns to check: it is reported as 0 rows.
    """
    if not header:
        return
    present = set(header)
    for column in spec.source_columns():
        if column in present:
            if f"{column}~2" in present:
                raise MissingColumnError(
                    f"{file}: column '{column}' appears more than once in the header (source "
                    f"'{spec.name}'); rename one so the manifest can say which is meant"
                )
            continue
        guess = closest(column, header)
        hint = f"; closest existing column: '{guess}'" if guess else f"; columns: {', '.join(header)}"
        raise MissingColumnError(
            f"{file}: column '{column}' not found (source '{spec.name}', manifest line {spec.line}){hint}"
        )
