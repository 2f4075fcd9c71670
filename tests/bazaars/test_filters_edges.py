"""Edges of the public schedule's filters that the mutation benchmark (bench/mutation.py) found
untested: what a hand-edited query string keeps, and the pager links."""

import pytest
from django.utils import timezone

from bazaars.selectors import FIRST_YEAR, DirectoryFilters, ScheduleFilters
from bazaars.selectors.public import _year_range


@pytest.mark.parametrize(
    ("query", "year", "month"),
    [
        ({"tahun": "2000", "bulan": "1"}, 2000, 1),
        ({"tahun": "2100", "bulan": "12"}, 2100, 12),
        ({"tahun": "1999", "bulan": "0"}, None, None),
        ({"tahun": "2101", "bulan": "13"}, None, None),
    ],
)
def test_schedule_filters_keep_years_2000_to_2100_and_months_1_to_12(query, year, month):
    filters = ScheduleFilters.from_query(query)
    assert (filters.year, filters.month) == (year, month)


@pytest.mark.parametrize("page", ["", "0", "-1", "10001", "x"])
def test_schedule_filters_start_on_page_one_when_the_page_is_not_a_page(page):
    filters = ScheduleFilters.from_query({"halaman": page, "mendatang": page})
    assert (filters.page, filters.upcoming_page) == (1, 1)


def test_schedule_pager_links_leave_page_one_out():
    assert ScheduleFilters().query() == ""
    assert ScheduleFilters(year=2023, page=2).query() == "tahun=2023&halaman=2"
    assert ScheduleFilters(upcoming_page=3).query() == "mendatang=3"
    assert ScheduleFilters(page=1, upcoming_page=1).query(halaman=2) == "halaman=2"


def test_directory_filters_page_bounds_and_links():
    assert DirectoryFilters.from_query({"halaman": "10000"}).page == 10000
    assert DirectoryFilters.from_query({"halaman": "0"}).page == 1
    assert DirectoryFilters.from_query({"halaman": "10001"}).page == 1
    assert DirectoryFilters().query() == ""
    assert DirectoryFilters(q="kopi", page=2).query() == "q=kopi&halaman=2"


def test_year_filter_offers_next_year_back_to_the_first_bazaars():
    years = _year_range()
    assert years[0] == timezone.localdate().year + 1
    assert years[-1] == FIRST_YEAR
    assert years == sorted(years, reverse=True)
