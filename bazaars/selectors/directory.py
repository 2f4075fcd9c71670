"""The public directory of businesses, /umkm/: the consenting businesses of the office's city,
a page in a fixed number of queries, counted and paged once per change (kept values)."""

import re
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.utils.functional import cached_property

from bazaars.cache import kept_value
from bazaars.selectors.public import _url_maker
from config import params
from umkm.models import Business, Kecamatan

DIRECTORY_PAGE_SIZE = 24
DIRECTORY_MAX_PAGES = 100


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    sector: str = ""
    kecamatan: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, query) -> "DirectoryFilters":
        """Only well-formed values are kept; anything else is ignored, never an error."""
        q = " ".join(str(query.get("q", ""))[:60].split())
        q = "".join(ch for ch in q if ch.isprintable())
        sector = query.get("sektor", "")
        return cls(
            q=q,
            sector=sector if re.fullmatch(r"[a-z0-9-]{1,30}", sector) else "",
            kecamatan=params.get(query, "kecamatan", params.area_code, default="", lenient=True),
            page=params.get(query, "halaman", params.page, default=1, lenient=True),
        )

    def cache_key(self) -> str:
        return f"{self.q}:{self.sector}:{self.kecamatan}:{self.page}"

    def query(self, **changes) -> str:
        from urllib.parse import urlencode

        values = {
            "q": self.q,
            "sektor": self.sector,
            "kecamatan": self.kecamatan,
            "halaman": self.page if self.page > 1 else None,
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v})


class _CountedPaginator(Paginator):
    """A paginator told its count (kept_value) instead of asking the database, and, when given
    the first (name, id) of every page (`starts()`, asked for by a page past the first only:
    a sector's 2,400 first rows take 80 ms to find), one that seeks each page on the name
    index instead of skipping the rows before it (OFFSET)."""

    def __init__(self, object_list, per_page, *, count: int, starts=None):
        super().__init__(object_list, per_page)
        self._known_count = count
        self._starts = starts

    @cached_property
    def count(self):
        return self._known_count

    def page(self, number):
        number = self.validate_number(number)
        if self._starts is None or number == 1:
            return super().page(number)
        starts = self._starts()  # asked for by a page past the first only
        if number > len(starts):
            return super().page(number)
        name, pk = starts[number - 1]
        # (name, id) >= the page's first: a range of the index, read from where the page starts
        seek = Q(name__gte=name) & (Q(name__gt=name) | Q(id__gte=pk))
        rows = min(self.per_page, self.count - (number - 1) * self.per_page)
        return self._get_page(self.object_list.filter(seek)[:rows], number, self)


def public_directory(filters: DirectoryFilters) -> dict:
    """Businesses that consented to a public profile, of the office's city: a page of them, in a
    fixed number of queries. Never anything about the owner."""
    city = settings.OFFICE_CITY_CODE
    businesses = (
        Business.objects.listed_publicly()
        .filter(kelurahan__kecamatan__city_id=city)
        .order_by("name", "id")
    )
    if filters.q:
        found = Q(name__icontains=filters.q) | Q(products__icontains=filters.q)
        businesses = businesses.filter(found)
    if filters.sector:
        businesses = businesses.filter(sector__code=filters.sector)
    if filters.kecamatan:
        businesses = businesses.filter(kelurahan__kecamatan_id=filters.kecamatan)
    # Counted once per change, not per page: a visitor walking the pages (or a crawler) would
    # otherwise count every consenting business of the city again on each.
    facts = _directory_facts(city)
    if filters.q:  # a search's own count, on the business rows alone
        count = kept_value(
            f"directory-count:{filters.q}:{filters.sector}:{filters.kecamatan}",
            lambda: businesses.count(),
        )
    else:
        count = _count_without_search(facts, filters)
    # The pages offered stop at DIRECTORY_MAX_PAGES: a page deep in name order costs its whole
    # offset (page 2,500 of a city's 123,000 consenting businesses read 60,000 index entries,
    # 2 s); past the cap a visitor narrows the list by name, sector or kecamatan instead.
    listed = min(count, DIRECTORY_MAX_PAGES * DIRECTORY_PAGE_SIZE)
    # The rows as plain values, not models: a page built after a change made 96 instances
    # (business, sector, kelurahan, kecamatan) for 24 lines of text (1.7 -> 0.7 ms).
    rows = businesses.values(
        "name",
        "slug",
        "products",
        sector_name=F("sector__name"),
        kecamatan_name=F("kelurahan__kecamatan__name"),
    )
    # Without a search, each page seeks its first row: after a change the directory's pages
    # are built again, and page 100 skipped 2,376 rows through its joins (a miss took twice
    # page 1's time); the first row of every page is found once per change and filter set.
    starts = None
    if not filters.q and listed > DIRECTORY_PAGE_SIZE:

        def starts():
            return kept_value(
                f"directory-starts:{city}:{filters.sector}:{filters.kecamatan}",
                lambda: list(businesses.values_list("name", "id")[:listed])[::DIRECTORY_PAGE_SIZE],
            )

    paginator = _CountedPaginator(rows, DIRECTORY_PAGE_SIZE, count=listed, starts=starts)
    page = paginator.get_page(filters.page)
    page.object_list = list(page.object_list)
    url = _url_maker("bazaars:business")
    for business in page.object_list:
        business["public_url"] = url(business["slug"])
    return {
        "page": page,
        "total": count,
        "capped": count > listed,
        "sectors": facts["sectors"],
        "kecamatan_choices": facts["kecamatan_choices"],
    }


def _directory_facts(city: str) -> dict:
    """What every page of the directory shares, kept under the public version: the form's
    choices, and the city's consenting businesses counted by kecamatan and sector, from which
    the count of every filter set without a search is summed. One grouped, index-only read
    (business_listed_kel_sector) per change: the first minute after a change counted the
    city's 123,000 again for each sector and kecamatan (15 ms each), several at once."""
    from umkm.models import Kelurahan, Sector

    def compute() -> dict:
        kecamatan_of = dict(
            Kelurahan.objects.filter(kecamatan__city_id=city).values_list("code", "kecamatan_id")
        )
        rows = (
            Business.objects.listed_publicly()
            .filter(kelurahan_id__in=list(kecamatan_of))
            .order_by()
            .values_list("kelurahan_id", "sector_id")
            .annotate(n=Count("*"))
        )
        groups = Counter()
        for kelurahan, sector, n in rows:
            groups[kecamatan_of[kelurahan], sector] += n
        sectors = list(Sector.objects.values_list("code", "name", "id"))
        return {
            "sectors": [(code, name) for code, name, _ in sectors],
            "sector_ids": {code: pk for code, _, pk in sectors},
            "kecamatan_choices": list(
                Kecamatan.objects.filter(city_id=city).values_list("code", "name")
            ),
            "counts": [(kecamatan, sector, n) for (kecamatan, sector), n in groups.items()],
        }

    return kept_value(f"directory-facts:{city}", compute)


def _count_without_search(facts: dict, filters: DirectoryFilters) -> int:
    sector = facts["sector_ids"].get(filters.sector) if filters.sector else None
    if filters.sector and sector is None:
        return 0  # no such sector: nothing matches
    return sum(
        n
        for kecamatan, sector_id, n in facts["counts"]
        if (not filters.kecamatan or kecamatan == filters.kecamatan)
        and (sector is None or sector_id == sector)
    )
