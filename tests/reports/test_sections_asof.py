"""The bazaar and certificate sections as of a past reference day: a world with a known past
(dated moves and status changes, cases whose history is dated, bazaar days on the period's
edges and in the future), every figure counted by hand below. Today's state differs from the
period's on purpose: a figure that read today's status or kelurahan would be wrong here."""

import datetime
import zoneinfo

import pytest

from certifications import services as certificates
from certifications.models import CaseTransition
from config.actors import SYSTEM
from reports.sections import add_sections
from reports.selectors import Period, build_report, city_scope, kecamatan_scope
from tests.bazaars.factories import VenueFactory, bazaar, eligible_business
from tests.certifications.factories import VALID_NUMBERS, cert_type, open_case
from tests.factories import kelurahan, sector
from umkm import services as register

pytestmark = pytest.mark.django_db

D = datetime.date
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
GROGOL, CENGKARENG = "31.73.02", "31.73.01"
YEAR_2024 = Period(D(2024, 1, 1), D(2024, 12, 31))
# One day in from each edge: the transitions and days on 1 January and 31 December fall out.
INNER_2024 = Period(D(2024, 1, 2), D(2024, 12, 30))


def J(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=JAKARTA)


def _dated(case, *moments):
    """Give the case's transitions, in the order they were made, these moments (the services
    record the present; the world needs a past)."""
    transitions = list(CaseTransition.objects.filter(case=case).order_by("id"))
    assert len(transitions) == len(moments)
    for transition, at in zip(transitions, moments, strict=True):
        CaseTransition.objects.filter(pk=transition.pk).update(at=at)


def _issued(business, code, issued_on, at, product=""):
    case = certificates.case_record_issued(
        actor=SYSTEM,
        business=business,
        cert_type=cert_type(code),
        number=VALID_NUMBERS[code],
        issued_on=issued_on,
        product=product or ("Produk" if cert_type(code).per_product else ""),
    )
    _dated(case, at)
    return case


def _step(case, to_status, **kwargs):
    certificates.case_transition(actor=SYSTEM, case=case, to_status=to_status, **kwargs)


@pytest.fixture
def past(db):
    """Who is where (kelurahan on 31-12-2024 -> today):
    A kuliner Grogol 1002, B kuliner Grogol 1002 -> Cengkareng (moved 01-03-2025),
    C parfum Cengkareng, E fesyen Grogol 1003 (inactive since 01-06-2025),
    F kuliner Cengkareng (inactive since 01-10-2024), G kuliner Grogol (mentored 2025),
    H jasa Cengkareng -> Grogol 1003 (moved 01-06-2024)."""
    b = {
        "A": eligible_business(
            name="Kue A", kelurahan=kelurahan("31.73.02.1002"), binaan_since=D(2020, 1, 1)
        ),
        "B": eligible_business(
            name="Keripik B", kelurahan=kelurahan("31.73.02.1002"), binaan_since=D(2021, 5, 1)
        ),
        "C": eligible_business(
            name="Parfum C",
            kelurahan=kelurahan("31.73.01.1001"),
            sector=sector("parfum"),
            binaan_since=D(2021, 1, 1),
        ),
        "E": eligible_business(
            name="Batik E",
            kelurahan=kelurahan("31.73.02.1003"),
            sector=sector("fesyen"),
            binaan_since=D(2022, 1, 1),
        ),
        "F": eligible_business(
            name="Tutup F", kelurahan=kelurahan("31.73.01.1001"), binaan_since=D(2019, 1, 1)
        ),
        "G": eligible_business(
            name="Baru G", kelurahan=kelurahan("31.73.02.1002"), binaan_since=D(2025, 2, 1)
        ),
        "H": eligible_business(
            name="Pindah H",
            kelurahan=kelurahan("31.73.01.1001"),
            sector=sector("jasa"),
            binaan_since=D(2022, 6, 1),
        ),
    }
    _bazaars(b)
    # The register's past, dated through its service (after the bazaars accepted them).
    register.business_update(
        actor=SYSTEM,
        business=b["H"],
        kelurahan=kelurahan("31.73.02.1003"),
        effective_on=D(2024, 6, 1),
    )
    register.business_update(
        actor=SYSTEM,
        business=b["F"],
        status="nonaktif",
        effective_on=D(2024, 10, 1),
        reason="Usaha tutup",
    )
    register.business_update(
        actor=SYSTEM,
        business=b["B"],
        kelurahan=kelurahan("31.73.01.1001"),
        effective_on=D(2025, 3, 1),
    )
    register.business_update(
        actor=SYSTEM,
        business=b["E"],
        status="nonaktif",
        effective_on=D(2025, 6, 1),
        reason="Pindah usaha",
    )
    _certificates(b)
    return b


def _certificates(b):
    # A: PIRT issued on the period's first day.
    _issued(b["A"], "pirt", D(2024, 1, 1), J(2024, 1, 2, 10))
    # A: halal in process through 2024, issued in 2025.
    halal = open_case(b["A"], "halal")
    _step(halal, "referred")
    _step(halal, "submitted")
    _step(halal, "issued", number=VALID_NUMBERS["halal"], issued_on=D(2025, 2, 10))
    _dated(halal, J(2024, 3, 1, 9), J(2024, 4, 1, 9), J(2024, 6, 1, 9), J(2025, 2, 10, 9))
    # A: BPOM MD opened and referred half an hour into 2025 (Jakarta time; still 31 December
    # in UTC): nothing on 31-12-2024.
    md = open_case(b["A"], "bpom-md")
    _step(md, "referred")
    _dated(md, J(2025, 1, 1, 0, 20), J(2025, 1, 1, 0, 30))
    # B: NIB issued after the reference day.
    _issued(b["B"], "nib", D(2025, 1, 15), J(2025, 1, 16, 9))
    # E: trademark referred, then rejected on the period's last day.
    merek = open_case(b["E"], "merek")
    _step(merek, "referred")
    _step(merek, "rejected", note="Merek sudah terdaftar atas nama lain")
    _dated(merek, J(2024, 2, 1, 9), J(2024, 2, 15, 9), J(2024, 12, 31, 16))
    # E: NIB issued on the period's last day, recorded five days later.
    _issued(b["E"], "nib", D(2024, 12, 31), J(2025, 1, 5, 9))
    # F (inactive since October 2024): PIRT issued in May 2024.
    _issued(b["F"], "pirt", D(2024, 5, 5), J(2024, 5, 6, 9))
    # C: cosmetics notification issued 15-01-2022, three years: expires 15-01-2025.
    _issued(b["C"], "bpom-kosmetik", D(2022, 1, 15), J(2022, 1, 20, 9))
    # H (jasa): halal issued the day before the period.
    _issued(b["H"], "halal", D(2023, 12, 31), J(2024, 1, 3, 9))
    # G (not yet mentored on the reference day): PIRT issued in 2024 does not count.
    _issued(b["G"], "pirt", D(2024, 7, 1), J(2025, 2, 2, 9))


def _bazaars(b):
    from bazaars import services

    today = datetime.date.today()
    z1 = bazaar(
        title="Bazar Awal Tahun",
        booths=4,
        days=[D(2024, 1, 1)],
        venue=VenueFactory(kelurahan=kelurahan("31.73.02.1002")),
    )
    z2 = bazaar(
        title="Bazar Akhir Tahun",
        booths=5,
        days=[D(2024, 12, 31), D(2025, 1, 1)],
        venue=VenueFactory(kelurahan=kelurahan("31.73.01.1001")),
    )
    z3 = bazaar(
        title="Bazar 2023",
        booths=2,
        days=[D(2023, 12, 31)],
        venue=VenueFactory(kelurahan=kelurahan("31.73.02.1002")),
    )
    z4 = bazaar(
        title="Bazar Mendatang",
        booths=3,
        days=[today + datetime.timedelta(days=20)],
        venue=VenueFactory(kelurahan=kelurahan("31.73.02.1002")),
    )
    p1 = {
        p.business_id: p
        for p in services.participants_accept(actor=SYSTEM, bazaar=z1, businesses=[b["A"], b["C"]])
    }
    services.participation_apply(actor=SYSTEM, bazaar=z1, business=b["E"])
    p2 = {
        p.business_id: p
        for p in services.participants_accept(actor=SYSTEM, bazaar=z2, businesses=[b["B"], b["H"]])
    }
    [p3] = services.participants_accept(actor=SYSTEM, bazaar=z3, businesses=[b["A"]])
    services.participants_accept(actor=SYSTEM, bazaar=z4, businesses=[b["E"]])
    d1 = z1.days.get()
    d2a, d2b = z2.days.order_by("date")
    for participation, day, omzet, transactions in [
        (p1[b["A"].pk], d1, 1_000_000, 10),
        (p1[b["C"].pk], d1, 500_000, 5),
        (p2[b["B"].pk], d2a, 2_000_000, 20),
        (p2[b["B"].pk], d2b, 3_000_000, 30),  # 1 January 2025: after the reference day
        (p2[b["H"].pk], d2b, 400_000, 4),  # H came on the second day only
        (p3, z3.days.get(), 7_000_000, 70),
    ]:
        services.attendance_set(actor=SYSTEM, participation=participation, day=day)
        services.daily_sales_record(
            actor=SYSTEM,
            participation=participation,
            day=day,
            omzet=omzet,
            transactions=transactions,
        )
    for z in (z1, z2, z3, z4):
        assert all(p.booth_id for p in z.participations.filter(status="accepted"))


def _report(scope_code, period):
    scope = city_scope() if scope_code == "31.73" else kecamatan_scope(scope_code)
    report = build_report(scope, period)
    add_sections(report)
    return report


def _table(report, key) -> dict[str, dict]:
    table = next(t for t in report.extra["tables"] if t.key == key)
    return {
        row_key: dict(zip([c.key for c in table.columns], values, strict=True))
        for row_key, values in table.rows
    }


def _summary(report) -> dict:
    return {key: value for key, _label, value, _kind in report.extra["summary"]}


CERT = ("valid", "valid_pct", "in_process", "expiring", "needed", "issued_in_period", "rejected")


def _certs(report) -> dict[str, tuple]:
    return {code: tuple(row[c] for c in CERT) for code, row in _table(report, "sertifikat").items()}


def test_certificates_of_a_kecamatan_as_of_the_last_day_of_2024(past):
    # Grogol on 31-12-2024: A, B (moved out in 2025), E (inactive only since 2025), H (moved
    # in during 2024) are active; food: A, B. G was not mentored yet.
    report = _report(GROGOL, YEAR_2024)
    assert _certs(report) == {
        #               held pct  proc exp need issued rejected
        "halal": (
            1,
            0.0,
            1,
            0,
            1,
            0,
            0,
        ),  # H holds one (jasa: not counted in the share); A in process
        "pirt": (1, 50.0, 0, 0, 1, 1, 0),  # A's, issued 01-01-2024; B needs one
        "bpom-md": (0, 0.0, 0, 0, 2, 0, 0),  # A's case opened 00:20 on 1 January 2025
        "bpom-kosmetik": (0, None, 0, 0, 0, 0, 0),  # no parfum business here
        "nib": (1, 25.0, 0, 0, 3, 1, 0),  # E's of 31-12-2024; B's came in 2025
        "merek": (0, 0.0, 0, 0, 4, 0, 1),  # E's rejected on 31-12-2024
    }
    assert _summary(report)["cert_issued"] == 2
    assert _summary(report)["cert_in_process"] == 1
    assert _summary(report)["cert_expiring"] == 0


def test_certificates_of_the_city_as_of_the_last_day_of_2024(past):
    # Cengkareng on 31-12-2024: C active (parfum); F inactive since October 2024.
    report = _report("31.73", YEAR_2024)
    assert _certs(report) == {
        "halal": (1, 0.0, 1, 0, 1, 0, 0),
        "pirt": (1, 50.0, 0, 0, 1, 2, 0),  # issued: A's and inactive F's
        "bpom-md": (0, 0.0, 0, 0, 2, 0, 0),
        "bpom-kosmetik": (1, 100.0, 0, 1, 0, 0, 0),  # C's expires 15-01-2025
        "nib": (1, 20.0, 0, 0, 4, 1, 0),
        "merek": (0, 0.0, 0, 0, 5, 0, 1),
    }
    assert (_summary(report)["cert_issued"], _summary(report)["cert_expiring"]) == (3, 1)
    per_area = _table(report, "sertifikat_wilayah")
    got = {
        key: (row["valid"], row["in_process"], row["needed"])
        for key, row in per_area.items()
        if row["valid"] or row["in_process"] or row["needed"]
    }
    assert got == {
        f"{GROGOL}.halal": (1, 1, 1),
        f"{GROGOL}.pirt": (1, 0, 1),
        f"{GROGOL}.bpom-md": (0, 0, 2),
        f"{GROGOL}.nib": (1, 0, 3),
        f"{GROGOL}.merek": (0, 0, 4),
        f"{CENGKARENG}.bpom-kosmetik": (1, 0, 0),
        f"{CENGKARENG}.nib": (0, 0, 1),
        f"{CENGKARENG}.merek": (0, 0, 1),
    }
    assert len(per_area) == 8 * 6  # every kecamatan of the city, every type


def test_certificates_one_day_in_from_each_edge(past):
    # 02-01-2024 .. 30-12-2024: A's PIRT (01-01) is held but not issued in the period; E's NIB
    # (31-12) neither; E's trademark was still referred on 30 December.
    report = _report(GROGOL, INNER_2024)
    certs = _certs(report)
    assert certs["pirt"] == (1, 50.0, 0, 0, 1, 0, 0)
    assert certs["nib"] == (0, 0.0, 0, 0, 4, 0, 0)
    assert certs["merek"] == (0, 0.0, 1, 0, 3, 0, 0)


def test_certificates_today_differ_from_2024(past):
    """The same world today: the register and the cases as they stand now."""
    this_year = datetime.date.today().year
    certs = _certs(_report(GROGOL, Period.for_year(this_year)))
    # Grogol today: A and H active (B moved out, E inactive, G mentored since 2025, food).
    assert certs["halal"][:3] == (2, 50.0, 0)  # A's issued in 2025, H's
    assert certs["nib"][:2] == (0, 0.0)  # B took its NIB to Cengkareng, E is inactive


BAZAAR_AREA = ("applications", "participants", "attended", "omzet", "transactions", "never")
BAZAAR = (
    "days_held",
    "booths",
    "booths_filled",
    "booth_fill",
    "applications",
    "participants",
    "attended",
    "omzet",
    "transactions",
)


def _bazaar_rows(report):
    areas = {
        code: tuple(row[c] for c in BAZAAR_AREA)
        for code, row in _table(report, "bazar_wilayah").items()
        if any(row[c] for c in BAZAAR_AREA)
    }
    bazaars = {
        row["title"]: tuple(row[c] for c in BAZAAR) for row in _table(report, "bazar").values()
    }
    return areas, bazaars


def test_bazaars_of_a_kecamatan_in_2024(past):
    report = _report(GROGOL, YEAR_2024)
    areas, bazaars = _bazaar_rows(report)
    assert areas == {
        # A (bazaar of 01-01), B (31-12; it moved only in 2025): both came and sold
        "31.73.02.1002": (2, 2, 2, 3_000_000, 30, 0),
        # E applied, H (moved in) accepted but came on 01-01-2025 only; E never in a held one
        "31.73.02.1003": (2, 1, 0, 0, 0, 1),
        "total": (4, 3, 2, 3_000_000, 30, 1),
    }
    assert bazaars == {
        "Bazar Awal Tahun": (1, 4, 2, 50.0, 2, 1, 1, 1_000_000, 10),
        "Bazar Akhir Tahun": (1, 5, 2, 40.0, 2, 2, 1, 2_000_000, 20),
    }
    summary = _summary(report)
    assert (summary["bazaars"], summary["bazaar_days"]) == (2, 2)
    assert summary["bazaar_booth_fill"] == round(100 * 4 / 9, 1)
    assert summary["bazaar_omzet_each"] == 1_000_000


def test_bazaars_of_the_city_in_2024(past):
    report = _report("31.73", YEAR_2024)
    areas, bazaars = _bazaar_rows(report)
    assert areas == {
        GROGOL: (4, 3, 2, 3_000_000, 30, 1),
        CENGKARENG: (1, 1, 1, 500_000, 5, 0),
        "total": (5, 4, 3, 3_500_000, 35, 1),
    }
    assert bazaars["Bazar Awal Tahun"] == (1, 4, 2, 50.0, 3, 2, 2, 1_500_000, 15)
    assert set(bazaars) == {"Bazar Awal Tahun", "Bazar Akhir Tahun"}


def test_bazaars_one_day_in_from_each_edge(past):
    areas, bazaars = _bazaar_rows(_report(GROGOL, INNER_2024))
    assert bazaars == {}
    # On 30-12-2024 only A had been in a held bazaar (the one of 2023 and 01-01-2024).
    assert areas == {
        "31.73.02.1002": (0, 0, 0, 0, 0, 1),
        "31.73.02.1003": (0, 0, 0, 0, 0, 2),
        "total": (0, 0, 0, 0, 0, 3),
    }


def test_a_bazaar_whose_days_are_to_come_is_not_held(past):
    report = _report(GROGOL, Period.for_year(datetime.date.today().year))
    _areas, bazaars = _bazaar_rows(report)
    assert "Bazar Mendatang" not in bazaars
    assert _summary(report)["bazaars"] == 0


def test_the_page_says_how_the_sections_are_counted(past, pejabat_client):
    html = pejabat_client.get("/laporan/?tahun=2024").content.decode()
    assert 'id="tabel-sertifikat_wilayah"' in html
    # Under the section's last table and in "How the figures are counted": each section's words.
    from django.utils import translation
    from django.utils.html import escape

    with translation.override("id"):
        report = _report("31.73", Period.for_year(2024))
    for words in report.extra["definitions"]:
        assert html.count(escape(words)) == 2, words
    assert "31/12/2024" in html
