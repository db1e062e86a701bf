"""Record ids and record keys, the stable identity of a source record across runs (canonical.py rule)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

RECORD_ID_DUPLICATE = "record_id_duplicate"
RECORD_ID_MISSING = "record_id_missing"


@dataclass(frozen=True)
class RecordKeys:
    record_id: pd.Series  # the source's own id (or the row position when it has none)
    record_key: pd.Series  # "<source>:<record_id>", "~2", "~3"… on repeats, in file order
    flags: pd.Series


def assign_record_keys(
    source: str, ids: pd.Series | None, files: pd.Series, row_numbers: pd.Series, *, per_file: bool
) -> RecordKeys:
    """Key the rows of one source, given in file order.

    Without an id column, the row number is the id; a source read from a glob uses "<file>:<row>"
    instead, because row numbers repeat across its files.
    """
    position = row_numbers.astype(str)
    if per_file:
        position = files + ":" + position
    if ids is None:
        record_id = position
        missing = pd.Series(False, index=row_numbers.index)
    else:
        record_id = ids.str.strip()
        missing = record_id == ""
        record_id = record_id.mask(missing, position)
    key = source + ":" + record_id
    duplicate = key.duplicated(keep=False)
    # Ids such as "A~2" in the source itself could collide with a suffix; repeat until unique.
    while key.duplicated().any():
        repeat = key.groupby(key, sort=False).cumcount()
        key = key.where(repeat == 0, key + "~" + (repeat + 1).astype(str))
    flags = missing.map({True: RECORD_ID_MISSING, False: ""}).str.cat(
        duplicate.map({True: RECORD_ID_DUPLICATE, False: ""}), sep="|"
    )
    return RecordKeys(record_id=record_id, record_key=key, flags=flags.str.strip("|"))
