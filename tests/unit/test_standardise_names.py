"""Personal names: titles, aliases, patronymics, Muhammad variants and the phonetic key."""

from __future__ import annotations

import pytest

from linkage.standardise.names import is_low_information, parse_name
from linkage.standardise.phonetic import token_key


@pytest.mark.parametrize(
    ("raw", "display", "tokens", "titles"),
    [
        ("H. MOCH. DJOKO SANTOSO, S.Pd.", "MOCH DJOKO SANTOSO", "MUHAMMAD DJOKO SANTOSO", ("H", "S.PD")),
        ("Hj. Siti Nurhaliza, S.E., M.M.", "SITI NURHALIZA", "SITI NURHALIZA", ("HJ", "S.E", "M.M")),
        ("DR. IR. H. ACHMAD SUBAGJO, M.SI", "ACHMAD SUBAGJO", "ACHMAD SUBAGJO", ("DR", "IR", "H", "M.SI")),
        ("Drs. Bambang Wijaya", "BAMBANG WIJAYA", "BAMBANG WIJAYA", ("DRS",)),
        ("Dra. Ni Made Sari", "NI MADE SARI", "NI MADE SARI", ("DRA",)),
        ("Yuli Astuti A.Md.Kep", "YULI ASTUTI", "YULI ASTUTI", ("A.MD.KEP",)),
        ("RINA WATI S.Kom", "RINA WATI", "RINA WATI", ("S.KOM",)),
        ("SUSANTO SPD", "SUSANTO", "SUSANTO", ("SPD",)),
        ("Agus Salim, SE", "AGUS SALIM", "AGUS SALIM", ("SE",)),
        ("H.MOCH.RIDWAN", "MOCH RIDWAN", "MUHAMMAD RIDWAN", ("H",)),
        ("Ustadz Abdul Somad", "ABDUL SOMAD", "ABDUL SOMAD", ("USTADZ",)),
        ("Prof. Dr. Sri Mulyani", "SRI MULYANI", "SRI MULYANI", ("PROF", "DR")),
        ("M. Firman", "M FIRMAN", "MUHAMMAD FIRMAN", ()),
        ("Moh. Rifai", "MOH RIFAI", "MUHAMMAD RIFAI", ()),
        ("MOCHAMAD ARIFIN", "MOCHAMAD ARIFIN", "MUHAMMAD ARIFIN", ()),
        ("Mohamad Ilham", "MOHAMAD ILHAM", "MUHAMMAD ILHAM", ()),
        ("MUHAMAD YUSUF", "MUHAMAD YUSUF", "MUHAMMAD YUSUF", ()),
        ("Muh. Nasir", "MUH NASIR", "MUHAMMAD NASIR", ()),
        ("Mukhamad Zaini", "MUKHAMAD ZAINI", "MUHAMMAD ZAINI", ()),
        ("ABD. RAHMAN", "ABD RAHMAN", "ABDUL RAHMAN", ()),
        ("  siti   AMINAH  ", "SITI AMINAH", "SITI AMINAH", ()),
        ("Ai'nun Nafisah", "AINUN NAFISAH", "AINUN NAFISAH", ()),
        ("Sülaïman", "SULAIMAN", "SULAIMAN", ()),
        ("I Wayan Sudarta", "I WAYAN SUDARTA", "I WAYAN SUDARTA", ()),
        ("SE", "SE", "SE", ()),  # a lone token is a name, never stripped away
        ("H", "H", "H", ()),
        ("AHMAD M", "AHMAD M", "AHMAD M", ()),  # only a *leading* M is Muhammad
        ("SANTOSO, BUDI HARTONO", "SANTOSO BUDI HARTONO", "SANTOSO BUDI HARTONO", ()),  # not a degree
        ("Budi Hartono, , S.T.", "BUDI HARTONO", "BUDI HARTONO", ("S.T",)),
        # How a relative at a complaint desk names the worker: the spoken Bu / Pak is a title.
        ("Bu Sumi", "SUMI", "SUMI", ("BU",)),
        ("PAK KARTO", "KARTO", "KARTO", ("PAK",)),
        ("BU", "BU", "BU", ()),
    ],
)
def test_titles_and_canonical_tokens(raw: str, display: str, tokens: str, titles: tuple[str, ...]) -> None:
    parsed = parse_name(raw)
    assert parsed.display == display
    assert " ".join(parsed.tokens) == tokens
    assert parsed.titles == titles


@pytest.mark.parametrize(
    ("raw", "display", "tokens", "father"),
    [
        ("Siti Aminah binti Karto", "SITI AMINAH BINTI KARTO", "SITI AMINAH", "KARTO"),
        ("MUH. RIDWAN BIN ABDULLAH", "MUH RIDWAN BIN ABDULLAH", "MUHAMMAD RIDWAN", "ABDULLAH"),
        (
            "NURUL HIDAYAH BT SLAMET RIYADI",
            "NURUL HIDAYAH BT SLAMET RIYADI",
            "NURUL HIDAYAH",
            "SLAMET RIYADI",
        ),
        ("BINTI", "BINTI", "BINTI", ""),  # a marker with nothing after it is a name
        ("BIN LADEN", "BIN LADEN", "BIN LADEN", ""),
        ("SITI AMINAH, BINTI KARTO", "SITI AMINAH BINTI KARTO", "SITI AMINAH", "KARTO"),
    ],
)
def test_patronymic_is_split_out(raw: str, display: str, tokens: str, father: str) -> None:
    parsed = parse_name(raw)
    assert (parsed.display, " ".join(parsed.tokens), parsed.father_name) == (display, tokens, father)


@pytest.mark.parametrize(
    ("raw", "display", "aliases"),
    [
        ("BUDI SANTOSO ALS ANTO", "BUDI SANTOSO", ("ANTO",)),
        ("Budi Santoso alias Anto alias Antok", "BUDI SANTOSO", ("ANTO", "ANTOK")),
        ("Budi (Anto) Santoso", "BUDI SANTOSO", ("ANTO",)),
        ("SRI WAHYUNI @ YUYUN", "SRI WAHYUNI", ("YUYUN",)),
        ("RINI/RINA", "RINI", ("RINA",)),
        ("Eko Prasetyo als. Pras", "EKO PRASETYO", ("PRAS",)),
        ("KARTINI (ALM)", "KARTINI", ()),
        (
            "WATI (WATI)",
            "WATI",
            (),
        ),  # an alias equal to the name adds nothing  # "almarhumah" in parentheses is a title, not an alias
    ],
)
def test_aliases_are_split_out(raw: str, display: str, aliases: tuple[str, ...]) -> None:
    parsed = parse_name(raw)
    assert (parsed.display, parsed.aliases) == (display, aliases)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("SOEHARTO", "SUHARTO"),
        ("DJOKO", "JOKO"),
        ("TJAHJONO", "CAHYONO"),
        ("JUSUF", "YUSUF"),
        ("NJOMAN", "NYOMAN"),
        ("SJAHRIR", "SYAHRIR"),
        ("ACHMAD", "AKHMAD"),
        ("ACHMAD", "AHMAD"),
        ("FITRI", "PITRI"),
        ("ARIF", "ARIP"),
        ("RAMADHAN", "RAMADAN"),
        ("FATIMAH", "FATIMA"),
        ("MOHAMMAD", "MOHAMAD"),
        ("QOMARUDIN", "KOMARUDIN"),
        ("SYAIFUL", "SAIFUL"),
        ("SJAIFUL", "SAIFUL"),
        ("SHOLEH", "SOLEH"),
        ("DZULKIFLI", "ZULKIFLI"),
    ],
)
def test_phonetic_key_folds_old_spelling_and_variants(old: str, new: str) -> None:
    assert token_key(old) == token_key(new)


@pytest.mark.parametrize(("one", "other"), [("BUDI", "BAYU"), ("SITI", "SARI"), ("JOKO", "JAKA")])
def test_phonetic_key_keeps_different_names_apart(one: str, other: str) -> None:
    assert token_key(one) != token_key(other)


def test_display_name_keeps_the_persons_spelling() -> None:
    old, new = parse_name("Soeharto Djojo"), parse_name("Suharto Joyo")
    assert old.display == "SOEHARTO DJOJO"
    assert old.key == new.key


@pytest.mark.parametrize(
    "token", ["WAYAN", "GEDE", "PUTU", "MADE", "KETUT", "NI", "I", "SITI", "NUR", "DEWI"]
)
def test_low_information_tokens(token: str) -> None:
    assert is_low_information(token)


def test_ordinary_token_carries_information() -> None:
    assert not is_low_information("SUDARTA")


@pytest.mark.parametrize("raw", ["", "-", "  ", "TIDAK ADA"])
def test_missing_name(raw: str) -> None:
    assert parse_name(raw).display == ""
    assert parse_name(raw).issues == ()


def test_name_with_nothing_outside_the_alias_is_flagged() -> None:
    parsed = parse_name("(ANTO)")
    assert (parsed.display, parsed.aliases, parsed.issues) == ("", ("ANTO",), ("no_name",))
