"""The comparison set for the canonical LTSA table (linkage/canonical.py columns)."""

from __future__ import annotations

from .base import Comparison
from .dates import DateComparison
from .identifiers import ExactComparison, IdentifierComparison, PrefixComparison
from .names import NameComparison, StringComparison
from .nik import NikComparison


def default_comparisons() -> tuple[Comparison, ...]:
    return (
        NameComparison(),
        NikComparison(),
        DateComparison(),
        ExactComparison("sex", "sex"),
        StringComparison("mother_name", "mother_name"),
        StringComparison("father_name", "father_name"),
        IdentifierComparison("passport", "passport_number"),
        IdentifierComparison("phone", "phone", disagreement_column="own_phone"),
        ExactComparison("kk_number", "kk_number", tf=True),
        PrefixComparison("region", "region_code"),
        StringComparison("birth_place", "birth_place", thresholds=(0.88,)),
        StringComparison("address", "address", thresholds=(0.92,), tf=True),
        ExactComparison("destination_country", "destination_country"),
        ExactComparison("agency", "agency_name", tf=True),
        StringComparison("broker", "broker_name", thresholds=(0.92,), tf=True),
    )
