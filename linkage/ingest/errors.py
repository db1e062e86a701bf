"""Errors about the silo files themselves (the manifest's own errors are ``ManifestError``)."""

from __future__ import annotations


class SourceFileError(ValueError):
    """A file cannot be read as its manifest entry says; the message names the file and what to fix."""


class EmptyHeaderError(SourceFileError):
    """The row ``header_row`` points at holds no column names."""

    def __init__(self, path: object, source: str, header_row: int) -> None:
        super().__init__(
            f"{path}: row {header_row} (header_row of source '{source}') is empty; "
            "set header_row to the row holding the column names"
        )
