"""Edges of the certificate rules that the mutation benchmark (bench/mutation.py) found untested."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from certifications import rules


def test_add_years_from_29_february_lands_on_28_february_in_a_common_year():
    assert rules.add_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert rules.add_years(datetime.date(2024, 2, 29), 4) == datetime.date(2028, 2, 29)
    assert rules.add_years(datetime.date(2023, 3, 15), 5) == datetime.date(2028, 3, 15)


def test_pirt_issued_on_29_february_expires_on_28_february():
    expiry = rules.computed_expiry(
        validity=rules.VALIDITY_FROM_NUMBER,
        years=None,
        number="206317301000129",
        issued_on=datetime.date(2024, 2, 29),
    )
    assert expiry == datetime.date(2029, 2, 28)


def test_transitions_from_an_unknown_or_final_status_are_refused():
    assert rules.transition_allowed("", rules.NEEDED)
    assert not rules.transition_allowed("archived", rules.NEEDED)
    assert not any(rules.transition_allowed(rules.REJECTED, s) for s in rules.TRANSITIONS)


@pytest.mark.parametrize("empty", [None, "", "  ", "P-IRT No."])
def test_validate_number_without_a_number_says_it_is_required(empty):
    with pytest.raises(ValidationError) as exc:
        rules.validate_number("pirt", empty)
    assert exc.value.code == "number_required"


def test_unknown_validity_kind_is_an_error_not_a_silent_none():
    with pytest.raises(ValueError, match="monthly"):
        rules.computed_expiry(
            validity="monthly", years=1, number="", issued_on=datetime.date(2026, 1, 1)
        )
