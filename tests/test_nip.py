"""NIP and golongan rules (DOMAIN.md), as pure functions."""

from datetime import date

import pytest

from elearn.nip import (
    NipError,
    clean_nip,
    employee_type_for_grade,
    normalize_grade,
    parse_pns_nip,
    validate_nip,
)


def test_parse_the_example_nip():
    nip = parse_pns_nip("198609262015051001")
    assert nip.birth_date == date(1986, 9, 26)
    assert (nip.tmt_year, nip.tmt_month) == (2015, 5)
    assert nip.gender == 1
    assert nip.serial == 1


@pytest.mark.parametrize(
    "nip,reason",
    [
        ("19860926201505100", "18 digit"),
        ("1986092620150510011", "18 digit"),
        ("19860926201505100a", "18 digit"),
        ("198602302015051001", "tanggal lahir"),  # 30 February
        ("198609262015131001", "TMT"),  # month 13
        ("198609261990051001", "TMT"),  # CPNS at age 4
        ("198609262015053001", "jenis kelamin"),
        ("198609262015051000", "001"),
    ],
)
def test_bad_pns_nips_say_why(app, nip, reason):
    with pytest.raises(NipError) as err:
        parse_pns_nip(nip)
    assert reason in str(err.value)


def test_pppk_numbers_need_18_digits_only():
    validate_nip("199712052023212001", "pppk")  # month 21: fine for PPPK
    with pytest.raises(NipError):
        validate_nip("199712052023212001", "pns")
    with pytest.raises(NipError):
        validate_nip("12345", "pppk")


def test_non_asn_may_have_no_nip():
    validate_nip("", "non_asn")


def test_clean_nip_strips_separators():
    assert clean_nip(" 19860926 201505 1 001 ") == "198609262015051001"
    assert clean_nip("19860926.201505.1.001") == "198609262015051001"


@pytest.mark.parametrize(
    "raw,grade,kind",
    [("iii/a", "III/a", "pns"), ("IV / E", "IV/e", "pns"), ("ix", "IX", "pppk"), ("", "", None)],
)
def test_grades(raw, grade, kind):
    assert normalize_grade(raw) == grade
    assert employee_type_for_grade(grade) == kind
