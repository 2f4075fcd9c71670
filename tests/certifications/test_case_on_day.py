"""A certificate case's state on a day, from its transitions: the rule is stated once, as
SQL (certifications.selectors.cases_on_day_sql), and both the ORM selectors and the report's
scan read it. An oracle by hand on one case's dated past, at every boundary of the rule."""

import datetime
import zoneinfo

import pytest
from django.db import connection

from certifications import selectors
from certifications.models import CaseTransition
from tests.certifications.factories import open_case
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db
D = datetime.date
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=JAKARTA)


@pytest.fixture
def case():
    """Needed on 10-01-2023, submitted late on 01-02-2023 (Jakarta), a certificate issued on
    01-03-2023 but recorded on 10-03-2023, valid until 15-04-2023."""
    case = open_case(BusinessFactory(), "pirt")
    case.transitions.all().delete()
    for to_status, at, extra in [
        ("needed", _at(D(2023, 1, 10), 10), {}),
        ("submitted", _at(D(2023, 2, 1), 23, 30), {}),
        (
            "issued",
            _at(D(2023, 3, 10), 9),
            {"issued_on": D(2023, 3, 1), "expires_on": D(2023, 4, 15), "number": "x"},
        ),
    ]:
        CaseTransition.objects.create(case=case, to_status=to_status, at=at, **extra)
    return case


def _state(case, day, start=None):
    """The state on `day` as the report's scan reads it (the SQL itself)."""
    params = selectors.case_on_day_params(start=start or day, on=day)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status_on_day, held, in_process, expiring, issued_in_period,"  # noqa: S608
            f" rejected_in_period FROM ({selectors.cases_on_day_sql()}) s"
            f" WHERE case_id = {int(case.pk)}",
            params,
        )
        return cursor.fetchone()


@pytest.mark.parametrize(
    ("day", "status", "held", "in_process", "expiring"),
    [
        (D(2023, 1, 9), None, False, False, False),  # opened after the day: no state
        (D(2023, 1, 10), "needed", False, False, False),
        (D(2023, 1, 31), "needed", False, False, False),
        (D(2023, 2, 1), "submitted", False, True, False),  # 23:30 in Jakarta is that day
        (D(2023, 2, 28), "submitted", False, True, False),
        (D(2023, 3, 1), "submitted", True, True, False),  # the issue date counts, not the entry
        (D(2023, 3, 15), "issued", True, False, False),  # expiry 31 days ahead: not yet
        (D(2023, 3, 16), "issued", True, False, True),  # expiry within 30 days
        (D(2023, 4, 15), "issued", True, False, True),  # valid on its expiry date
        (D(2023, 4, 16), "issued", False, False, False),  # expired
    ],
)
def test_a_cases_state_on_a_day(case, day, status, held, in_process, expiring):
    row = _state(case, day)
    assert row[:4] == (status, held, in_process, expiring)
    # The ORM selectors read the very same rule.
    assert selectors.cases_held_on(day).filter(pk=case.pk).exists() is held
    assert selectors.cases_in_process_on(day).filter(pk=case.pk).exists() is in_process
    assert selectors.cases_expiring_on(day).filter(pk=case.pk).exists() is expiring
    if status:
        assert selectors.cases_with_status_on(day, status).filter(pk=case.pk).exists()


def test_a_rejection_ends_holding_from_the_day_it_was_recorded(case):
    CaseTransition.objects.create(case=case, to_status="rejected", at=_at(D(2023, 3, 20), 8))
    assert _state(case, D(2023, 3, 19))[1] is True
    assert _state(case, D(2023, 3, 20))[:2] == ("rejected", False)
    # Rejected in a period that holds the day it was recorded, not in one before it.
    assert _state(case, D(2023, 3, 31), start=D(2023, 3, 1))[5] is True
    assert _state(case, D(2023, 3, 19), start=D(2023, 3, 1))[5] is False
    assert not selectors.cases_held_on(D(2023, 3, 25)).filter(pk=case.pk).exists()


def test_issued_in_a_period_counts_the_issue_date_up_to_the_day(case):
    assert _state(case, D(2023, 3, 31), start=D(2023, 3, 1))[4] == 1
    assert _state(case, D(2023, 2, 28), start=D(2023, 1, 1))[4] == 0
    assert _state(case, D(2023, 12, 31), start=D(2023, 3, 2))[4] == 0
