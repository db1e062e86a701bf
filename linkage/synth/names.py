"""Indonesian personal names by naming tradition.

A person's name depends on the family's tradition (Javanese, Sundanese, Balinese, Sasak, Batak, Bugis,
generic Muslim), on sex and, for Balinese families, on birth order. Faker's ``id_ID`` given names widen
the pools; the tradition lists add the patterns that make Indonesian linkage hard: mononyms, the
Siti/Sri/Nur/Muhammad prefixes, I Wayan/Ni Made, Batak clan names, Lalu/Baiq and Andi.
"""

from __future__ import annotations

import random
from enum import IntEnum
from typing import Final

from faker.providers.person.id_ID import Provider as FakerPerson


class Tradition(IntEnum):
    JAVANESE = 0
    SUNDANESE = 1
    BALINESE = 2
    SASAK = 3
    BATAK = 4
    BUGIS = 5
    MUSLIM = 6  # generic Malay/Arabic-influenced naming (Lampung, Bima, Banten, ...)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FAKER_MALE: Final = tuple(n.upper() for n in FakerPerson.first_names_male)
FAKER_FEMALE: Final = tuple(n.upper() for n in FakerPerson.first_names_female)

JAVANESE_MALE: Final = _words(
    "SUTRISNO SUPARMAN SUGIYONO SLAMET JOKO BAMBANG SUKARDI WAHYUDI BUDI EKO AGUS HERU SUMARNO PAIJO "
    "TUKIMAN SUWARNO DARMANTO GUNAWAN CAHYONO PRASETYO SUSILO WIBOWO HARTONO RUDI PRIYO YANTO SUKIRNO "
    "MARNO KUSNADI SUPRIYADI WIDODO TRIYONO PURNOMO SETIAWAN HARYONO SANTOSO SUGENG WARSITO JUMADI"
)
JAVANESE_FEMALE: Final = _words(
    "SUWARNI SULASTRI SUMIATI PAINEM TUKINAH WARTINI SUPRAPTI ENDANG WAHYUNI RAHAYU LESTARI AMINAH "
    "FATIMAH KHOTIJAH SUMARNI WULANDARI MULYANI NURHAYATI KASIYEM PARTINI YULIANI ASTUTI NGATINI SUYATI "
    "MARSINI SUTINI WARSINI YATMI WATI NINGSIH SARI YANTI SUSANTI HANDAYANI KARSIH TARMINI"
)
SUNDANESE_MALE: Final = _words(
    "ASEP UJANG DADANG CECEP DEDE ENTIS ADE IWAN YAYAN DADAN ENGKUS MAMAT OMAN JAJANG AYI AANG ODIH "
    "WAWAN SURYANA SUKMANA HIDAYAT KOSASIH SOLIHIN"
)
SUNDANESE_FEMALE: Final = _words(
    "EUIS NENENG ENOK IMAS CUCU ETI IIS NINING YEYET LILIS AI ENTIN NUNUNG POPON RINA TETI MARYAM ENENG "
    "NANI TITIN YATI CICIH KOKOM ICIH"
)
SASAK_MALE: Final = _words(
    "MAHSUN SUHAIMI SAHNAN ZAINUDDIN SAHNUN HERMAN RUSDI SAHRUL JUMADIL MULIADI SAPRUDIN HASANUDIN HAKIM "
    "AMAQ SAPARUDIN"
)
SASAK_FEMALE: Final = _words(
    "NURUL SENAH SAHNIAH ROHANI SUMIATUN HAYATUN NURHASANAH MARNIATI RAHMAWATI SARNIAH MAHNIM JUMAIDAH "
    "KARTINI INAQ SAHRIAH"
)
BATAK_MARGA: Final = _words(
    "SIMANJUNTAK SIREGAR NASUTION LUBIS HARAHAP SITOMPUL PANJAITAN HUTAPEA SINAGA SITUMORANG MANURUNG "
    "SIHOMBING TAMPUBOLON PARDEDE SILALAHI SEMBIRING"
)
BATAK_MALE: Final = _words("PARLINDUNGAN TOGAR MARULI BONAR HOTMAN YOHANES DARWIN SAUT POLTAK JONNER")
BATAK_FEMALE: Final = _words("ROSMAWATI LASMARIA TIURMA MARIA RUGUN DORMAULI NURHAYATI RUTH ROSLINA")
BUGIS_MALE: Final = _words("BASO BAHARUDDIN SYAMSUDDIN ILHAM SUDIRMAN HAMZAH AMIRUDDIN MUSTARI")
BUGIS_FEMALE: Final = _words("NURHAEDA HASNAWATI NURLINA HADIJAH ROSDIANA MEGAWATI HASNAH SUARNI")
MUSLIM_MALE: Final = _words(
    "RIZKI IQBAL HADI FAUZI SYAIFUDIN AZIZ HASAN HUSEIN ISMAIL YUSUF RIDWAN SAIFUL ANAM ARIFIN IMAM "
    "MUKHLIS ZAINAL ABIDIN HUDA KHOIRUL RAHMAN ABDULLAH"
)
MUSLIM_FEMALE: Final = _words(
    "AMINAH AISYAH AINI HAYATI HASANAH FATIMAH KHODIJAH MAESAROH MASITOH KALSUM ROHMAH AZIZAH ZULAIKHA "
    "HALIMAH MUSLIMAH HIDAYAH KHOTIMAH LAILA MUTMAINAH"
)
# Leading tokens that carry little identity but appear everywhere (weighted by repetition).
FEMALE_PREFIXES: Final = _words("SITI SITI SITI SRI SRI NUR NUR DWI TRI EKA PUJI")
MALE_PREFIXES: Final = _words("MUHAMMAD MUHAMMAD AHMAD ABDUL NUR EKO AGUS")
# Birth-order names; the cycle restarts with the fifth child ("Wayan Balik").
BALINESE_ORDER: Final = (
    ("WAYAN", "PUTU", "GEDE"),
    ("MADE", "KADEK", "NENGAH"),
    ("NYOMAN", "KOMANG"),
    ("KETUT",),
)
BALINESE_MALE: Final = _words(
    "SUKARTA SUPARTA WIRAWAN SUDANA ARTAWAN BUDIASA MERTAYASA SUTAMA ARSANA SUMERTA SUARDANA DARMAWAN "
    "SUWECA ADNYANA RAI"
)
BALINESE_FEMALE: Final = _words(
    "SUKERTI SUARTINI ARIANI SRIASIH PUSPAWATI WARDANI ASTITI WIDIASTUTI JULIANI AYU SARI SUMERTI"
)

# Per tradition: (male given names, female given names, chance of a Muslim prefix).
_POOLS: Final[dict[Tradition, tuple[tuple[str, ...], tuple[str, ...], float]]] = {
    Tradition.JAVANESE: (JAVANESE_MALE + FAKER_MALE[:120], JAVANESE_FEMALE + FAKER_FEMALE[:60], 0.3),
    Tradition.SUNDANESE: (
        SUNDANESE_MALE + MUSLIM_MALE + FAKER_MALE[:60],
        SUNDANESE_FEMALE + MUSLIM_FEMALE,
        0.3,
    ),
    Tradition.SASAK: (SASAK_MALE + MUSLIM_MALE, SASAK_FEMALE + MUSLIM_FEMALE, 0.35),
    Tradition.BATAK: (BATAK_MALE + FAKER_MALE[200:260], BATAK_FEMALE + FAKER_FEMALE[100:140], 0.0),
    Tradition.BUGIS: (BUGIS_MALE + MUSLIM_MALE, BUGIS_FEMALE + MUSLIM_FEMALE, 0.35),
    Tradition.MUSLIM: (MUSLIM_MALE + FAKER_MALE, MUSLIM_FEMALE + FAKER_FEMALE, 0.4),
}
# How many given-name tokens a person has: older Javanese often one, the young two or three.
TOKEN_COUNTS: Final = (1, 2, 3)
TOKEN_COUNT_WEIGHTS: Final = (0.35, 0.5, 0.15)
# Traditions where a Muslim patronymic (bin/binti) is in everyday use.
PATRONYMIC_TRADITIONS: Final = frozenset(
    {Tradition.JAVANESE, Tradition.SUNDANESE, Tradition.SASAK, Tradition.BUGIS, Tradition.MUSLIM}
)
_MARKERS: Final = frozenset(
    {"I", "NI", "LUH", "LALU", "BAIQ", "ANDI", "SITTI", *FEMALE_PREFIXES, *MALE_PREFIXES}
    | {name for order in BALINESE_ORDER for name in order}
)


def given_name(rnd: random.Random, tradition: Tradition, female: bool, birth_order: int, noble: bool) -> str:
    """A full name as written on the family card (upper case), for one person."""
    if tradition is Tradition.BALINESE:
        order = BALINESE_ORDER[birth_order % 4]
        prefix = (
            "NI LUH" if female and order[0] == "WAYAN" and rnd.random() < 0.3 else ("NI" if female else "I")
        )
        return f"{prefix} {rnd.choice(order)} {rnd.choice(BALINESE_FEMALE if female else BALINESE_MALE)}"
    male_pool, female_pool, prefix_share = _POOLS[tradition]
    count = rnd.choices(TOKEN_COUNTS, TOKEN_COUNT_WEIGHTS)[0]
    tokens: list[str] = []
    if rnd.random() < prefix_share:  # the prefix comes on top of the given names, never alone
        tokens.append(rnd.choice(FEMALE_PREFIXES if female else MALE_PREFIXES))
        count += 1
    while len(tokens) < count:
        token = rnd.choice(female_pool if female else male_pool)
        if token not in tokens:
            tokens.append(token)
    if noble and tradition is Tradition.SASAK:
        tokens.insert(0, "BAIQ" if female else "LALU")
    if noble and tradition is Tradition.BUGIS:
        tokens.insert(0, "ANDI")
    return " ".join(tokens)


def with_clan(name: str, tradition: Tradition, clan: str) -> str:
    """Batak children carry the father's marga after the given name."""
    return f"{name} {clan}" if tradition is Tradition.BATAK and clan else name


def first_token(name: str) -> str:
    """The calling name a family uses, skipping prefixes and Balinese gender/order markers."""
    tokens = name.split()
    rest = [t for t in tokens if t not in _MARKERS]
    return rest[0] if rest else tokens[-1]
