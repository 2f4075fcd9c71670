"""*New* businesses of a period: binaan_since from the period's first day (1 January for a
year) to its last, both inclusive."""

import datetime

import pytest

from tests.factories import BusinessFactory, kelurahan, sector
from tests.reports.conftest import figures
from tests.reports.factories import GROGOL

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("year", "new", "active"), [(2024, "1", "2"), (2023, "1", "1")])
def test_business_binaan_on_1_january_is_new_in_that_year_not_the_one_before(
    pejabat_client, year, new, active
):
    grogol, kuliner = kelurahan("31.73.02.1002"), sector("kuliner")
    for name, since in (("Mulai Tahun Baru", D(2024, 1, 1)), ("Akhir Tahun Lalu", D(2023, 12, 31))):
        BusinessFactory(name=name, kelurahan=grogol, sector=kuliner, binaan_since=since)

    page = pejabat_client.get(f"/laporan/kecamatan/{GROGOL}/?tahun={year}")

    shown = figures(page.content.decode())
    assert (shown["kartu.new"], shown["kartu.active"]) == (new, active)
    assert shown["wilayah.31.73.02.1002.new"] == shown["sektor.kuliner.new"] == new
