"""The public directory of businesses, /umkm/."""

import pytest

from tests.bazaars.factories import public_business
from tests.factories import BusinessFactory, kelurahan, sector

pytestmark = pytest.mark.django_db


def test_directory_lists_only_consenting_businesses_and_no_owner_data(client):
    shown = public_business(name="Batik Kembang Sepatu", products="kain batik tulis")
    hidden = BusinessFactory(name="Warung Tanpa Izin Tampil")
    body = client.get("/umkm/").content.decode()
    assert "Batik Kembang Sepatu" in body and f"/umkm/{shown.slug}/" in body
    assert "Warung Tanpa Izin Tampil" not in body
    for owner in (shown.owner, hidden.owner):
        for secret in (owner.nik, owner.phone, owner.address, owner.full_name):
            assert secret not in body


def test_directory_filters_by_name_or_product_sector_and_kecamatan(client):
    public_business(name="Keripik Pisang Bu Ani", sector=sector("kuliner"))
    public_business(
        name="Rajutan Cengkareng",
        sector=sector("kerajinan-tangan"),
        products="tas rajut",
        kelurahan=kelurahan("31.73.01.1001"),
    )
    assert "Keripik Pisang" in client.get("/umkm/", {"q": "pisang"}).content.decode()
    by_product = client.get("/umkm/", {"q": "rajut"}).content.decode()
    assert "Rajutan Cengkareng" in by_product and "Keripik" not in by_product
    by_sector = client.get("/umkm/", {"sektor": "kuliner"}).content.decode()
    assert "Keripik Pisang" in by_sector and "Rajutan" not in by_sector
    by_kecamatan = client.get("/umkm/", {"kecamatan": "31.73.01"}).content.decode()
    assert "Rajutan Cengkareng" in by_kecamatan and "Keripik" not in by_kecamatan


def test_directory_escapes_html_in_names(client):
    public_business(name="<script>alert('umkm')</script>")
    body = client.get("/umkm/").content.decode()
    assert "<script>alert('umkm')</script>" not in body
    assert "&lt;script&gt;" in body


@pytest.mark.parametrize(
    "query",
    [{"halaman": "999999999"}, {"kecamatan": "'; DROP"}, {"halaman": "²"}, {"sektor": "x" * 500}],
)
def test_directory_ignores_odd_filters(client, query):
    assert client.get("/umkm/", query).status_code == 200


def test_directory_answers_a_nul_with_a_400_and_its_message(client):
    """A NUL never reaches a view (config.middleware.RefuseControlCharactersMiddleware)."""
    response = client.get("/umkm/", {"q": "\x00" * 10})
    assert response.status_code == 400
    assert "karakter yang tidak diizinkan" in response.content.decode()


def test_directory_uses_a_fixed_number_of_queries(client, count_queries, settings):
    settings.BAZAAR_PUBLIC_CACHE = False
    counts = []
    for n in (1, 4):
        for _ in range(n):
            public_business()
        client.get("/umkm/")
        with count_queries() as q:
            assert client.get("/umkm/").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts


def test_home_shows_the_next_bazaar(client):
    import datetime

    from django.utils import timezone

    from tests.bazaars.factories import bazaar

    soon = timezone.localdate() + datetime.timedelta(days=10)
    bazaar(title="Bazar Tahun Baru", booths=5, days=[soon])
    body = client.get("/").content.decode()
    assert "Bazar Tahun Baru" in body


def test_directory_counts_once_per_filter_set_not_on_every_page(client, count_queries, monkeypatch):
    from bazaars.selectors import directory as public_selectors

    monkeypatch.setattr(public_selectors, "DIRECTORY_PAGE_SIZE", 2)
    for n in range(5):
        public_business(name=f"Usaha Hitung {n}")
    assert "5 usaha" in client.get("/umkm/").content.decode()  # counted here, once
    with count_queries() as q:
        page = client.get("/umkm/?halaman=2").content.decode()
    assert "5 usaha" in page and "Halaman 2 dari 3" in page
    assert "COUNT(" not in q.sql.upper(), q.sql


def test_directory_offers_only_the_first_pages_and_says_how_to_find_the_rest(client, monkeypatch):
    from bazaars.selectors import directory as public_selectors

    monkeypatch.setattr(public_selectors, "DIRECTORY_PAGE_SIZE", 2)
    monkeypatch.setattr(public_selectors, "DIRECTORY_MAX_PAGES", 2)
    for n in range(7):
        public_business(name=f"Usaha Batas {n}")
    first = client.get("/umkm/").content.decode()
    assert "7 usaha" in first and "Halaman 1 dari 2" in first
    assert "Hanya 2 halaman pertama" not in first
    last = client.get("/umkm/?halaman=4").content.decode()  # beyond the cap: the last offered
    assert "Halaman 2 dari 2" in last and 'rel="next"' not in last
    assert "Hanya 2 halaman pertama yang ditampilkan" in last
    assert "7 usaha" in last


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"sektor": "kuliner"},
        {"kecamatan": "31.73.02"},
        {"sektor": "jasa", "kecamatan": "31.73.01"},
    ],
)
def test_directory_counts_from_an_index_alone(query):
    """Each filter set's count can be read from one partial index of the consenting businesses
    alone (an index-only scan): every business column the count touches is in it. With
    123,000 of them, a sector's count through a kelurahan-only index read every row's sector
    from the table (190 ms; 5 ms index-only). Checked on the query's text, not the planner's
    choice: with a test's few rows any plan is as cheap as another."""
    import re

    from django.db import connection
    from django.db.models import Q
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from bazaars.selectors.directory import DirectoryFilters, public_directory
    from umkm.models import Business

    public_business(name="Keripik Pisang Bu Ani", sector=sector("kuliner"))
    filters = DirectoryFilters.from_query(QueryDict(mutable=True) | query)
    with CaptureQueriesContext(connection) as captured:
        public_directory(filters)
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, counts
    touched = set(re.findall(r'"umkm_business"\."(\w+)"', counts[0])) - {"public_consent"}
    assert touched, counts[0]
    consenting = [
        {Business._meta.get_field(name).column for name in index.fields}
        for index in Business._meta.indexes
        if index.condition == Q(public_consent=True) and not index.expressions
    ]
    assert any(touched <= columns for columns in consenting), (touched, consenting)


def test_every_filter_sets_count_is_the_exact_count_of_its_rows(client):
    """The counts summed from the kept (kecamatan, sector) groups, for every sector and
    kecamatan choice and each pair, equal an exact count of what the filter lists; checked
    against numbers built by hand as well. A non-consenting business and one of another city
    count nowhere."""
    from django.http import QueryDict

    from bazaars.selectors.directory import DirectoryFilters, public_directory
    from umkm.models import Business

    placed = {
        ("31.73.01.1001", "kuliner"): 3,
        ("31.73.01.1002", "kuliner"): 1,  # another kelurahan of the same kecamatan
        ("31.73.01.1001", "jasa"): 2,
        ("31.73.02.1002", "fesyen"): 4,
    }
    for (code, sector_code), n in placed.items():
        for _ in range(n):
            public_business(kelurahan=kelurahan(code), sector=sector(sector_code))
    BusinessFactory(kelurahan=kelurahan("31.73.02.1002"), sector=sector("fesyen"))  # no consent
    public_business(kelurahan=kelurahan("31.71.01.1001"), sector=sector("kuliner"))  # other city

    def total(**query) -> int:
        return public_directory(DirectoryFilters.from_query(QueryDict(mutable=True) | query))[
            "total"
        ]

    assert total() == 10
    assert total(sektor="kuliner") == 4
    assert total(kecamatan="31.73.01") == 6
    assert total(kecamatan="31.73.01", sektor="kuliner") == 4
    assert total(kecamatan="31.73.02", sektor="kuliner") == 0
    assert total(sektor="tidak-ada") == 0
    context = public_directory(DirectoryFilters())
    for sector_code in ["", *(code for code, _ in context["sectors"])]:
        for kecamatan_code in ["", *(code for code, _ in context["kecamatan_choices"])]:
            exact = Business.objects.listed_publicly().filter(kelurahan__kecamatan__city_id="31.73")
            if sector_code:
                exact = exact.filter(sector__code=sector_code)
            if kecamatan_code:
                exact = exact.filter(kelurahan__kecamatan_id=kecamatan_code)
            query = {"sektor": sector_code, "kecamatan": kecamatan_code}
            assert total(**query) == exact.count(), query
    body = client.get("/umkm/", {"kecamatan": "31.73.01", "sektor": "jasa"}).content.decode()
    assert "2 usaha" in body


def test_a_new_sector_is_counted_and_offered_at_once(client):
    """The kept choices and counts are made afresh when a sector (or an area) changes."""
    from umkm.models import Sector

    client.get("/umkm/")  # the directory's facts kept
    new = Sector.objects.create(code="jamu", name="Jamu Gendong")
    public_business(name="Jamu Mbok Sri", sector=new)
    body = client.get("/umkm/", {"sektor": "jamu"}).content.decode()
    assert "Jamu Gendong" in body and "1 usaha" in body and "Jamu Mbok Sri" in body
    new.name = "Jamu Tradisional"
    new.save()  # the sector alone: no business saved
    body = client.get("/umkm/", {"sektor": "jamu"}).content.decode()
    assert '<option value="jamu" selected>Jamu Tradisional</option>' in body
    assert "Jamu Gendong" not in body


def test_every_page_seeks_the_same_rows_the_offset_gave_and_skips_none(monkeypatch):
    """With the first row of each page kept, a page is a seek on the name index (no OFFSET);
    every page of every filter set without a search holds the rows an OFFSET would give,
    duplicate names included (the id breaks the tie), up to the last page offered."""
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from bazaars.selectors import directory as public_selectors
    from umkm.models import Business

    monkeypatch.setattr(public_selectors, "DIRECTORY_PAGE_SIZE", 2)
    monkeypatch.setattr(public_selectors, "DIRECTORY_MAX_PAGES", 4)
    names = ["Anyaman", "Batik", "Batik", "Batik", "Cilok", "Dodol", "Emping", "Emping", "Gado"]
    for n, name in enumerate(names):
        public_business(
            name=name,
            kelurahan=kelurahan("31.73.01.1001" if n % 3 else "31.73.02.1002"),
            sector=sector("kuliner" if n % 2 else "jasa"),
        )
    for query in ({}, {"sektor": "kuliner"}, {"kecamatan": "31.73.01"}, {"sektor": "jasa"}):
        expected = list(
            Business.objects.listed_publicly()
            .filter(
                **({"sector__code": query["sektor"]} if "sektor" in query else {}),
                **({"kelurahan__kecamatan_id": query["kecamatan"]} if "kecamatan" in query else {}),
            )
            .order_by("name", "id")
            .values_list("slug", flat=True)[: 4 * 2]
        )
        shown = []
        for number in range(1, 5):
            filters = public_selectors.DirectoryFilters.from_query(
                QueryDict(mutable=True) | {**query, "halaman": str(number)}
            )
            with CaptureQueriesContext(connection) as captured:
                page = public_selectors.public_directory(filters)["page"]
            if page.number != number:
                break  # past the last page
            assert all("OFFSET" not in q["sql"] for q in captured), query
            shown += [row["slug"] for row in page.object_list]
        assert shown == expected, query
