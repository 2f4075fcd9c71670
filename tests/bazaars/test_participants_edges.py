"""Edges of the participant list export that the mutation benchmark (bench/mutation.py) found
untested: a participant with no sales yet shows zeros, and a missing NIB an empty cell."""

import pytest

from bazaars.selectors import participant_rows
from tests.bazaars.factories import accepted, bazaar
from tests.factories import admin_sudin

pytestmark = pytest.mark.django_db


def test_participant_without_sales_or_nib_shows_zeros_and_an_empty_cell():
    event = bazaar(booths=2)
    accepted(event, name="Tanpa NIB", nib=None)
    accepted(event, name="Dengan NIB", nib="1234567890123")
    rows = {row[1]: row for row in participant_rows(event, admin_sudin())}
    assert rows["Tanpa NIB"][5] == ""
    assert rows["Dengan NIB"][5] == "1234567890123"
    # attendance days, omzet, transactions
    assert rows["Tanpa NIB"][-3:] == [0, 0, 0]
