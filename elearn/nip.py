"""NIP (Nomor Induk Pegawai) and golongan checks, as pure functions.

A PNS NIP has 18 digits: birth date YYYYMMDD, TMT CPNS year-month YYYYMM, gender (1 male,
2 female) and a three-digit serial from 001. PPPK numbers are 18 digits with another layout.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

PNS_GRADES = [f"{g}/{s}" for g in ("I", "II", "III") for s in "abcd"] + [f"IV/{s}" for s in "abcde"]
# PPPK grades run from I to XVII (Perpres 98/2020).
PPPK_GRADES = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
]  # fmt: skip


class NipError(ValueError):
    pass


@dataclass(frozen=True)
class PnsNip:
    birth_date: date
    tmt_year: int
    tmt_month: int
    gender: int
    serial: int


def clean_nip(value):
    """Strip the spaces and dots people type between NIP groups, and write digits of other
    scripts (Arabic-Indic, full-width...) as ASCII, so that one NIP has one spelling."""
    value = re.sub(r"[\s.\-]", "", value or "")
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value)


def parse_pns_nip(nip):
    """Return the parts of a PNS NIP or raise NipError with a message for the user."""
    if not re.fullmatch(r"[0-9]{18}", nip):
        raise NipError(_l("NIP must be exactly 18 digits."))
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise NipError(_l("The first 8 digits of the NIP are not a valid birth date.")) from None
    tmt_year, tmt_month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= tmt_month <= 12 or tmt_year < birth.year + 15:
        raise NipError(_l("Digits 9-14 of the NIP are not a valid TMT CPNS year and month."))
    if tmt_year > date.today().year + 1:
        raise NipError(_l("Digits 9-14 of the NIP are not a valid TMT CPNS year and month."))
    gender = int(nip[14])
    if gender not in (1, 2):
        raise NipError(_l("Digit 15 of the NIP (gender) must be 1 or 2."))
    serial = int(nip[15:18])
    if serial < 1:
        raise NipError(_l("The last 3 digits of the NIP (serial) must start at 001."))
    return PnsNip(birth, tmt_year, tmt_month, gender, serial)


def validate_nip(nip, employee_type):
    """Check a NIP for the given employee type ('pns', 'pppk', 'non_asn')."""
    if employee_type == "pns":
        parse_pns_nip(nip)
    elif employee_type == "pppk":
        if not re.fullmatch(r"[0-9]{18}", nip):
            raise NipError(_l("NIP must be exactly 18 digits."))
    elif nip and not re.fullmatch(r"[0-9]{18}", nip):
        raise NipError(_l("NIP must be exactly 18 digits."))


def normalize_grade(value):
    """Canonical golongan spelling ('iii/a' -> 'III/a', 'ix' -> 'IX'), or '' if empty."""
    value = (value or "").strip()
    if not value:
        return ""
    if "/" in value:
        head, _, tail = value.partition("/")
        return f"{head.strip().upper()}/{tail.strip().lower()}"
    return value.upper()


def employee_type_for_grade(grade):
    """Infer PNS or PPPK from a golongan, or None when the grade is empty or unknown."""
    if grade in PNS_GRADES:
        return "pns"
    if grade in PPPK_GRADES:
        return "pppk"
    return None
