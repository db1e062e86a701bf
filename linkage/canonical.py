"""The canonical table: the one shape every source is read into before linkage.

Every ingested row keeps its provenance and, for each person field, the raw value beside the
standardised one (``raw_<field>`` and ``<field>``), so a steward can always see what the silo said.
Bad *values* are kept raw and flagged in ``flags``; only unusable *rows* are quarantined.
"""

from __future__ import annotations

from typing import Final

# Identity fields a source may say about a person. Order is the display order.
PERSON_FIELDS: Final = (
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
)

# Facts about the record's context (placement, agency, family, complaint). Kept as standardised text;
# the graph loader turns them into Agency, Employer, Placement, Broker, Complaint nodes.
CONTEXT_FIELDS: Final = (
    "agency_name",
    "agency_licence",
    "employer_name",
    "employer_country",  # ISO 3166-1 alpha-2
    "destination_country",  # ISO 3166-1 alpha-2
    "sector",
    "placement_phase",  # pra | masa | purna
    "placement_status",
    "procedural",  # "true" | "false" | "" (unknown)
    "departure_date",  # ISO date
    "return_date",  # ISO date
    "broker_name",
    "broker_phone",  # E.164
    "relation",  # relation of this person to the worker: istri, suami, anak, ayah, ibu, ...
    "related_nik",  # for family rows: the worker's NIK as written by the source
    "related_name",
    "family_role",  # role on the family card (KEPALA KELUARGA, ISTRI, ANAK, ...)
    "complaint_id",
    "complaint_date",
    "complaint_type",
    "complaint_text",
    "ltsa_office",
    "bpjs_number",
)

# ``record_key`` = "<source>:<record_id>" — the stable identity of a source record across runs (stable
# person IDs and steward decisions hang on it). A record_id repeated inside one source gets "~2", "~3"…
# in file order; a source without a record-id column uses the row number.
PROVENANCE_FIELDS: Final = ("record_key", "source", "record_id", "file", "row_number", "file_sha256")

# Derived by standardisation; used by blocking and comparison.
DERIVED_FIELDS: Final = (
    "birth_date_alt",  # second reading of an ambiguous day/month date, else ""
    "name_tokens",  # space-joined standardised tokens without titles/aliases
    "name_key",  # phonetic key of the name (old spelling ↔ EYD folded)
    "alias_names",  # '|'-joined aliases found in the name field
    "father_name",  # from bin/binti
    "nik_birth_date",  # date decoded from the NIK, ISO
    "nik_sex",  # sex decoded from the NIK (L/P)
    "phone_country",  # ISO country of the phone number
    "flags",  # '|'-joined value flags, e.g. nik_invalid|birth_date_ambiguous
)

# Every column of the canonical Parquet table, in order. All are strings ("" = missing) except row_number.
COLUMNS: Final = (
    PROVENANCE_FIELDS
    + PERSON_FIELDS
    + tuple(f"raw_{f}" for f in PERSON_FIELDS)
    + DERIVED_FIELDS
    + CONTEXT_FIELDS
)

SEX_VALUES: Final = ("L", "P")  # laki-laki / perempuan, as on Indonesian documents
PHASES: Final = ("pra", "masa", "purna")
