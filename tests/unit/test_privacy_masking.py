"""Identifier masks, the free-text scrubber and the logging filter."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.privacy.log_filter import IdentifierScrubbingFilter, install_scrubbing
from gateway.privacy.masking import (
    IdentifierKind,
    mask,
    mask_field,
    mask_properties,
    mask_provenance_json,
    mask_reference,
    scrub_text,
)


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        (IdentifierKind.NIK, "3201010101900001", "3201********0001"),
        (IdentifierKind.KK, "3201012345670009", "3201********0009"),
        (IdentifierKind.NIK, "12345", "*****"),
        (IdentifierKind.PASSPORT, "C1234567", "C*****67"),
        (IdentifierKind.PHONE, "+6281234567890", "+62812*****890"),
        (IdentifierKind.PHONE, "081234567890", "0812*****890"),
        (IdentifierKind.MOTHER_NAME, "SITI AMINAH", "S*** A***"),
        (IdentifierKind.MOTHER_NAME, "NUR", "N***"),
        (IdentifierKind.ADDRESS, "JL MAWAR 5 RT 01, CIANJUR", "***, CIANJUR"),
        (IdentifierKind.ADDRESS, "JL MAWAR 5", "***"),
    ],
)
def test_masks_follow_the_documented_patterns(kind: IdentifierKind, value: str, masked: str) -> None:
    assert mask(kind, value) == masked


@given(st.from_regex(r"\d{16}", fullmatch=True))
def test_a_masked_nik_keeps_only_the_regency_and_the_last_four(nik: str) -> None:
    masked = mask(IdentifierKind.NIK, nik)
    assert masked[:4] == nik[:4] and masked[-4:] == nik[-4:] and set(masked[4:-4]) == {"*"}
    assert scrub_text(f"NIK {nik}.") == f"NIK {masked}."


@given(st.from_regex(r"(\+62|0)8[1-9]\d{7,10}", fullmatch=True))
def test_mobile_numbers_in_text_are_scrubbed(phone: str) -> None:
    scrubbed = scrub_text(f"hubungi {phone} segera")
    assert phone not in scrubbed and "*" in scrubbed


def test_longer_digit_runs_and_grouped_niks_are_scrubbed_too() -> None:
    assert scrub_text("got 32010101019000019") == "got 3201*********0019"
    assert scrub_text("NIK 3201 0101 0190 0001.") == "NIK 3201***********0001."


def test_the_scrubber_leaves_ordinary_text_and_ids_alone() -> None:
    text = "person P-0001 placed 2026-01-02 by agency KEP-101/2019, 3 complaints, total 12345678"
    assert scrub_text(text) == text


def test_property_maps_mask_identifiers_raw_values_and_provenance() -> None:
    provenance = json.dumps(
        {"nik": {"value": "3201010101900001", "source": "dukcapil"}, "full_name": {"value": "SITI"}}
    )
    masked = mask_properties(
        {
            "nik": "3201010101900001",
            "rawNik": "3201.0101.0190.0001",
            "fullName": "SITI AMINAH",
            "e164": "+6281234567890",
            "provenance": provenance,
            "text": "call 081234567890",
            "recordCount": 2,
        }
    )
    assert (
        masked["nik"] == "3201********0001"
        and masked["rawNik"].startswith("3201")
        and "0101" not in masked["rawNik"]
    )
    assert masked["fullName"] == "SITI AMINAH" and masked["recordCount"] == 2
    assert masked["e164"] == "+62812*****890" and masked["text"] == "call 0812*****890"
    assert json.loads(masked["provenance"]) == {
        "nik": {"value": "3201********0001", "source": "dukcapil"},
        "full_name": {"value": "SITI"},
    }
    assert mask_provenance_json("not json 3201010101900001") == "not json 3201********0001"
    assert mask_field("fullName", "SITI") == "SITI" and mask_field("nik", None) is None


def test_identifier_node_references_are_masked_others_kept() -> None:
    assert mask_reference("Phone:+6281234567890") == "Phone:+62812*****890"
    assert mask_reference("Passport:C1234567") == "Passport:C*****67"
    assert mask_reference("Person:P-0001") == "Person:P-0001"
    assert mask_reference("Agency:LIC:KEP-101/2019") == "Agency:LIC:KEP-101/2019"


def test_the_log_filter_scrubs_messages_arguments_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.privacy")
    logger.addFilter(IdentifierScrubbingFilter())
    with caplog.at_level(logging.INFO, logger="tests.privacy"):
        logger.info("lookup nik=%s phone=%s", "3201010101900001", "+6281234567890")
        try:
            raise ValueError("no person with NIK 3201010101900002")
        except ValueError:
            logger.exception("failed for 081234567890")
    text = caplog.text
    assert "3201010101900001" not in text and "3201010101900002" not in text
    assert "+6281234567890" not in text and "081234567890" not in text
    assert "3201********0001" in text and "3201********0002" in text and "ValueError" in text


def test_install_is_idempotent() -> None:
    first = install_scrubbing(["tests.install"])
    second = install_scrubbing(["tests.install"])
    filters = [
        f for f in logging.getLogger("tests.install").filters if isinstance(f, IdentifierScrubbingFilter)
    ]
    assert (
        len(filters) == 1
        and isinstance(first, IdentifierScrubbingFilter)
        and isinstance(second, IdentifierScrubbingFilter)
    )
