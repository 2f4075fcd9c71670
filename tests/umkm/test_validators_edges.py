"""Edges of the NIK rules that the mutation benchmark (bench/mutation.py) found untested."""

import datetime

import pytest

from umkm.validators import nik_facts


def test_nik_facts_serial_is_the_last_four_digits():
    assert nik_facts("3173024107850123").serial == "0123"


@pytest.mark.parametrize(
    ("nik", "year"),
    [
        ("3173021503260002", 2026),  # born this year: two digits 26 are 2026, not 1926
        ("3173021503270002", 1927),  # 27 would be next year: the century before
        ("3173021503000002", 2000),
    ],
)
def test_nik_facts_year_is_the_latest_not_in_the_future(nik, year):
    facts = nik_facts(nik, today=datetime.date(2026, 6, 1))
    assert facts.birth_date == datetime.date(year, 3, 15)


@pytest.mark.parametrize(
    ("nik", "gender", "day"),
    [
        ("3173023107850001", "L", 31),  # the last day a man's NIK can hold
        ("3173024107850001", "P", 1),  # 41: a woman born on the 1st
        ("3173027107850001", "P", 31),
    ],
)
def test_nik_facts_gender_and_day_at_the_bounds(nik, gender, day):
    facts = nik_facts(nik, today=datetime.date(2026, 1, 1))
    assert (facts.gender, facts.birth_date.day) == (gender, day)
