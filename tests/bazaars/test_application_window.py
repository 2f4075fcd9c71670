"""One rule for "open for applications": the queryset filter (owners' list of open bazaars)
and the loaded bazaar's predicate (the page's "Daftar", the application service) agree on
every combination of status, window and days, on several reference days."""

import datetime
import itertools

import pytest

from bazaars.models import Bazaar
from tests.bazaars.factories import bazaar

pytestmark = pytest.mark.django_db

D = datetime.date(2026, 6, 10)
DAY = datetime.timedelta(days=1)


def test_the_filter_and_the_predicate_agree_on_every_case():
    made = 0
    for n, (publish, opens, closes, first) in enumerate(
        itertools.product(
            (True, False),
            (None, D - 10 * DAY, D + DAY),  # window opens
            (None, D - DAY, D, D + 5 * DAY),  # window closes
            (D - 3 * DAY, D, D + 20 * DAY),  # the bazaar's (only) day
        )
    ):
        if opens is None and closes is not None:
            continue
        if opens is not None and closes is not None and closes < opens:
            continue  # a constraint refuses it
        bazaar(
            title=f"Bazar {n}",
            days=[first],
            publish=publish,
            applications_open=opens,
            applications_close=closes,
        )
        made += 1
    assert made > 30
    for today in (D - 5 * DAY, D - DAY, D, D + DAY, D + 30 * DAY):
        filtered = set(Bazaar.objects.open_for_applications(today).values_list("pk", flat=True))
        predicate = {b.pk for b in Bazaar.objects.all() if b.open_for_applications_on(today)}
        assert filtered == predicate, today
        if today == D:  # the grid has open and closed bazaars on its middle day
            assert 0 < len(filtered) < made
