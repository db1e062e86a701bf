"""Indonesian standardisation: NIK/KK, names, phones, dates, regions, countries → canonical values.

``standardise_frame`` (ingest's seam) and ``standardise_row`` (the API's) apply every standardiser to a
record; the modules can also be used one by one.
"""

from .record import standardise_frame, standardise_row

__all__ = ["standardise_frame", "standardise_row"]
