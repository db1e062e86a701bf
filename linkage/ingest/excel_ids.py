"""Identity numbers a workbook stored as numbers, which Excel may have rounded.

Excel keeps 15 significant digits, so a 16-digit NIK typed as a number loses its last digit (it
becomes 0). Only the reader knows a cell was a number, so this flag is raised here; text damage that
shows in the value itself (``1.80213E+15``, a leading apostrophe) is standardisation's to judge.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

# Fields holding long digit strings that Excel rounds.
ID_FIELDS: Final = ("nik", "kk_number", "related_nik", "bpjs_number")
_EXCEL_PRECISION: Final = 15  # significant digits an Excel number keeps


def rounded_number_flags(field: str, values: pd.Series, numeric: pd.Series) -> pd.Series:
    """``<field>_excel_number`` for IDs stored as numbers longer than Excel keeps, ending in 0.

    Beyond 15 significant digits Excel writes zeros, so such a number may not be what was typed.
    A non-zero last digit proves the digits are intact (Excel could not have stored it). A float
    beyond 2**53 is kept with its ``.0`` by the reader, so it is flagged too.
    """
    suspicious = numeric & (values.str.len() > _EXCEL_PRECISION) & values.str.endswith("0")
    return suspicious.map({True: f"{field}_excel_number", False: ""})
