"""NIK, phone, NIB and KBLI: what the register accepts, how it normalises, what it refuses."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from umkm.validators import (
    clean_nik,
    mask_nik,
    nik_birth_date_warning,
    nik_facts,
    normalise_phone,
    validate_kbli,
    validate_nib,
)


@pytest.mark.parametrize(
    "nik",
    [
        "3173020107850001",  # man born 01-07-1985
        "3173024107850001",  # woman born 01-07-1985 (day + 40)
        "3173023112990123",  # day 31
        "3173027112990123",  # day 71: a woman born on the 31st
        "3173 0201 0785 0001",  # spaces are typing, not data
        "3173.0201.0785.0001",
    ],
)
def test_clean_nik_accepts_valid(nik):
    assert clean_nik(nik) == nik.replace(" ", "").replace(".", "")


@pytest.mark.parametrize(
    ("nik", "reason"),
    [
        ("317302010785000", "16"),  # 15 digits
        ("31730201078500012", "16"),  # 17 digits
        ("317302010785000A", "16"),
        ("", "16"),
        ("3173020007850001", "01-31"),  # day 00
        ("3173023207850001", "01-31"),  # day 32
        ("3173024007850001", "41-71"),  # day 40
        ("3173027207850001", "41-71"),  # day 72
        ("3173020100850001", "01-12"),  # month 00
        ("3173020113850001", "01-12"),  # month 13
        ("3173020107850000", "0000"),  # serial 0000
    ],
)
def test_clean_nik_refuses_invalid_with_the_reason(nik, reason):
    with pytest.raises(ValidationError) as exc:
        clean_nik(nik)
    assert reason in exc.value.messages[0]


def test_clean_nik_message_is_indonesian():
    with pytest.raises(ValidationError) as exc:
        clean_nik("123")
    assert exc.value.messages == ["NIK harus tepat 16 digit angka."]


def test_nik_facts_reads_birth_date_and_gender():
    facts = nik_facts("3173024107850001", today=datetime.date(2026, 1, 1))
    assert facts.birth_date == datetime.date(1985, 7, 1)
    assert facts.gender == "P"
    assert facts.issuing_area == "317302"
    assert nik_facts("3173021503100002", today=datetime.date(2026, 1, 1)).birth_date == (
        datetime.date(2010, 3, 15)
    )


def test_nik_birth_date_mismatch_is_a_warning_not_an_error():
    nik = "3173024107850001"
    assert nik_birth_date_warning(nik, datetime.date(1985, 7, 1), "P") is None
    warning = nik_birth_date_warning(nik, datetime.date(1985, 7, 2), "P")
    assert "01/07/1985" in warning
    assert nik_birth_date_warning(nik, datetime.date(1985, 7, 1), "L") is not None


def test_nik_with_impossible_date_is_kept_without_a_birth_date():
    nik = clean_nik("3173023102850001")  # 31 February
    assert nik_facts(nik).birth_date is None
    assert nik_birth_date_warning(nik, datetime.date(1985, 2, 28)) is None


def test_mask_nik_never_shows_the_last_four_digits():
    masked = mask_nik("3173024107851234")
    assert masked == "3173" + "•" * 12
    assert "1234" not in masked
    assert len(masked) == 16
    assert mask_nik("") == ""


@given(
    st.from_regex(
        r"\A31[0-9]{4}(0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01])"
        r"(0[1-9]|1[0-2])[0-9]{2}[0-9]{3}[1-9]\Z"
    )
)
def test_mask_nik_hides_everything_after_the_city(nik):
    masked = mask_nik(clean_nik(nik))
    assert masked[:4] == nik[:4]
    assert not any(ch.isdigit() for ch in masked[4:])


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "+6281234567890",
        "+62 812 3456 7890",
        "6281234567890",
        "(0812) 3456.7890",
    ],
)
def test_normalise_phone_makes_one_form(raw):
    assert normalise_phone(raw) == "+6281234567890"


def test_normalise_phone_keeps_landlines_and_empty():
    assert normalise_phone("021-5551234") == "+62215551234"
    assert normalise_phone("") == ""
    assert normalise_phone(None) == ""


@pytest.mark.parametrize(
    "raw", ["abc", "0812", "08123456789012345", "+1 202 555 0101", "0000000000", "62", "+62-0812"]
)
def test_normalise_phone_refuses_junk(raw):
    with pytest.raises(ValidationError) as exc:
        normalise_phone(raw)
    assert "0812-3456-7890" in exc.value.messages[0]


def test_validate_nib_needs_13_digits():
    validate_nib("1234567890123")
    validate_nib("")
    for bad in ("123456789012", "12345678901234", "12345678901a3"):
        with pytest.raises(ValidationError, match="13"):
            validate_nib(bad)


def test_validate_kbli_needs_5_digits():
    validate_kbli("10792")
    validate_kbli("")
    for bad in ("1079", "107921", "1079a"):
        with pytest.raises(ValidationError, match="5"):
            validate_kbli(bad)
