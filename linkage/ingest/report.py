"""The ingest report: per source, rows read, accepted, flagged by flag and quarantined by reason.

Every row read is either accepted or quarantined; ``check`` enforces it, because the one thing an
ingest must never do is lose a row silently.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.table import Table


class RowAccountingError(RuntimeError):
    """Rows went missing between reading and writing: a bug, never a data problem."""


@dataclass
class SourceReport:
    source: str
    files: list[str] = field(default_factory=list)
    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    blank_rows: int = 0  # rows with no value at all; not records
    flagged_rows: int = 0  # accepted rows with at least one flag
    flags: dict[str, int] = field(default_factory=dict)  # flag -> accepted rows carrying it
    quarantine_reasons: dict[str, int] = field(default_factory=dict)

    def check(self) -> None:
        if self.read != self.accepted + self.quarantined:
            raise RowAccountingError(
                f"source '{self.source}': read {self.read} rows but accepted {self.accepted} "
                f"+ quarantined {self.quarantined}"
            )
        if sum(self.quarantine_reasons.values()) != self.quarantined:
            raise RowAccountingError(f"source '{self.source}': quarantine reasons do not add up")


@dataclass
class IngestReport:
    manifest: str
    out_dir: str
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def read(self) -> int:
        return sum(s.read for s in self.sources)

    @property
    def accepted(self) -> int:
        return sum(s.accepted for s in self.sources)

    @property
    def quarantined(self) -> int:
        return sum(s.quarantined for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "manifest": self.manifest,
            "out_dir": self.out_dir,
            "totals": {"read": self.read, "accepted": self.accepted, "quarantined": self.quarantined},
            "sources": [asdict(s) for s in self.sources],
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def tables(self) -> Group:
        """Counts per source, then one line per quarantine reason and flag (a steward's worklist)."""
        counts = Table(title=f"Ingest of {self.manifest}")
        counts.add_column("source")
        for heading in ("files", "read", "accepted", "quarantined", "flagged", "blank"):
            counts.add_column(heading, justify="right")
        for s in self.sources:
            numbers = (len(s.files), s.read, s.accepted, s.quarantined, s.flagged_rows, s.blank_rows)
            counts.add_row(s.source, *(f"{n:,}" for n in numbers))
        counts.add_row("total", "", f"{self.read:,}", f"{self.accepted:,}", f"{self.quarantined:,}", "", "")
        details = Table(title="Quarantine reasons and flags")
        for heading in ("source", "kind", "reason / flag"):
            details.add_column(heading)
        details.add_column("rows", justify="right")
        for s in self.sources:
            for reason, count in s.quarantine_reasons.items():
                details.add_row(s.source, "quarantined", reason, f"{count:,}")
            for flag, count in s.flags.items():
                details.add_row(s.source, "flagged", flag, f"{count:,}")
        return Group(counts, details)
