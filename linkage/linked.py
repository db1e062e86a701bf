"""The linked-output folder written by ``ltsa link`` and read by ``ltsa load`` and the gateway.

Column names are the contract between linkage/ and graph/. Files are Parquet unless noted.
"""

from __future__ import annotations

from typing import Final

from .canonical import COLUMNS as CANONICAL_COLUMNS

# records.parquet — every canonical row with the person it resolved to.
RECORDS_FILE: Final = "records.parquet"
RECORDS_COLUMNS: Final = (*CANONICAL_COLUMNS, "person_id")

# persons.parquet — one golden record per resolved person.
#   provenance: JSON object field -> {"value", "record_key", "source", "rule"} (why this value won)
#   is_worker: the person appears as a worker (not only as a family member) in some source
PERSONS_FILE: Final = "persons.parquet"
PERSON_COLUMNS: Final = (
    "person_id",
    "nik",
    "kk_number",
    "full_name",
    "birth_date",
    "birth_place",
    "sex",
    "mother_name",
    "phone",
    "address",
    "region_code",
    "passport_number",
    "is_worker",
    "record_count",
    "provenance",
)

# candidates.parquet — scored pairs at or above the review threshold (auto-matches and review band).
#   candidate_id: stable hash of the two record keys (sorted), so a decision survives reruns
#   status: auto_match | review | decided
#   explanation: JSON list of {"comparison", "level", "weight"} — the waterfall; weights sum with
#                prior_weight to match_weight
CANDIDATES_FILE: Final = "candidates.parquet"
CANDIDATE_COLUMNS: Final = (
    "candidate_id",
    "left_key",
    "right_key",
    "match_weight",
    "match_probability",
    "prior_weight",
    "status",
    "explanation",
)

# decisions.csv (input and output) — steward decisions, appended, never rewritten.
DECISIONS_FILE: Final = "decisions.csv"
DECISION_COLUMNS: Final = (
    "candidate_id",
    "left_key",
    "right_key",
    "decision",  # MATCH | NON_MATCH | UNSURE
    "note",
    "steward",
    "decided_at",  # ISO 8601 UTC
)

# run.json — figures of the run (counts per stage, thresholds, model parameters, timings).
RUN_FILE: Final = "run.json"
