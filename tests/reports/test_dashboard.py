import datetime

import pytest

from tests.factories import BusinessFactory, MentoringFactory, kelurahan
from tests.reports.conftest import figure_texts, figures
from tests.reports.factories import CENGKARENG, CITY, GROGOL, expected, expected_cells

D = datetime.date
pytestmark = pytest.mark.django_db


def _compare(html: str, exp: dict, *, is_city: bool):
    shown = figures(html)
    # The summary is shown as cards (kartu.*) on screen; its table is the PDF's.
    wanted = {
        k: v
        for k, v in expected_cells(exp, is_city=is_city).items()
        if not k.startswith("ringkasan.")
    }
    wrong = {k: (shown.get(k), v) for k, v in wanted.items() if shown.get(k) != v}
    assert not wrong, f"(shown, expected): {wrong}"
    trainings_shown = {k.split(".")[1] for k in shown if k.startswith("pelatihan.")}
    assert trainings_shown == set(exp["trainings"])


def test_city_dashboard_figures_match_the_records(world, pejabat_client):
    response = pejabat_client.get("/laporan/?tahun=2023")
    assert response.status_code == 200
    exp = expected(world, CITY, D(2023, 1, 1), D(2023, 12, 31))
    # The scenario is not trivial: figures differ from zero where they should.
    assert exp["summary"]["new"] == 5 and exp["summary"]["target"] == 146
    assert exp["summary"]["trainings"] == 4
    assert (exp["summary"]["bazaars"], exp["summary"]["bazaar_omzet"]) == (1, 4_250_000)
    assert (exp["summary"]["never_bazaar"], exp["summary"]["cert_issued"]) == (2, 2)
    # The cases in process were submitted today (2026): in 2023 nothing was in process.
    assert (exp["summary"]["cert_in_process"], exp["summary"]["cert_expiring"]) == (0, 1)
    _compare(response.content.decode(), exp, is_city=True)


def test_kecamatan_dashboard_figures_match_the_records(world, pejabat_client):
    response = pejabat_client.get(f"/laporan/kecamatan/{GROGOL}/?tahun=2023")
    assert response.status_code == 200
    exp = expected(world, GROGOL, D(2023, 1, 1), D(2023, 12, 31))
    assert exp["summary"]["target"] == 20
    _compare(response.content.decode(), exp, is_city=False)


def test_dashboard_figures_match_for_a_date_range(world, pejabat_client):
    response = pejabat_client.get(
        f"/laporan/kecamatan/{CENGKARENG}/?dari=2023-02-01&sampai=2024-06-30"
    )
    assert response.status_code == 200
    exp = expected(world, CENGKARENG, D(2023, 2, 1), D(2024, 6, 30))
    # Pro-rated by days: 18 x 334/365 (2023) + 18 x 182/366 (2024) = 25.42 -> 25 (it was 36,
    # the whole target of both years, before the target was pro-rated).
    assert exp["summary"]["target"] == 25
    _compare(response.content.decode(), exp, is_city=False)


def test_dashboard_figures_match_for_another_year(world, pejabat_client):
    response = pejabat_client.get("/laporan/?tahun=2024")
    exp = expected(world, CITY, D(2024, 1, 1), D(2024, 12, 31))
    _compare(response.content.decode(), exp, is_city=True)


def test_dashboard_shows_figures_the_indonesian_way(world, pejabat_client):
    texts = figure_texts(
        pejabat_client.get(f"/laporan/kecamatan/{GROGOL}/?tahun=2023").content.decode()
    )
    # The median of 6.250.000 (two sessions' average) and 1.250.000 (it was their sum).
    assert texts["kartu.omzet"] == "Rp3.750.000"
    assert texts["kartu.target_pct"] == "15,0%"


def test_dashboard_with_a_bad_period_says_so_and_shows_this_year(world, pejabat_client):
    response = pejabat_client.get("/laporan/?dari=2023-05-01&sampai=2023-01-01")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    this_year = datetime.date.today().year
    assert figures(response.content.decode())  # still a report
    assert str(this_year) in response.content.decode()


def test_dashboard_has_charts_with_accessible_tables(world, pejabat_client):
    html = pejabat_client.get("/laporan/?tahun=2023").content.decode()
    assert html.count("<svg") >= 3
    assert html.count("<caption id=") >= 6
    assert 'scope="col"' in html and 'scope="row"' in html
    assert "<script" not in html


def _dashboard_queries(client, count_queries, url):
    client.get(url)  # warm the session and permission caches alike
    with count_queries() as q:
        assert client.get(url).status_code == 200
    return q.count


def test_dashboard_query_count_does_not_grow_with_data(pejabat_client, count_queries):
    BusinessFactory(kelurahan=kelurahan("31.73.02.1002"), binaan_since=D(2023, 1, 1))
    city_small = _dashboard_queries(pejabat_client, count_queries, "/laporan/?tahun=2023")
    one_small = _dashboard_queries(
        pejabat_client, count_queries, f"/laporan/kecamatan/{GROGOL}/?tahun=2023"
    )
    for code in ["31.73.02.1003", "31.73.01.1001", "31.73.05.1001", "31.73.02.1002"]:
        business = BusinessFactory(kelurahan=kelurahan(code), binaan_since=D(2023, 2, 1))
        MentoringFactory(business=business, date=D(2023, 4, 1))
    assert _dashboard_queries(pejabat_client, count_queries, "/laporan/?tahun=2023") == city_small
    assert (
        _dashboard_queries(
            pejabat_client, count_queries, f"/laporan/kecamatan/{GROGOL}/?tahun=2023"
        )
        == one_small
    )
    assert city_small <= 28  # figures, snapshot set-up, session, sign-in and two-factor checks


def test_base_navigation_links_to_the_reports(client, db):
    assert 'href="/laporan/"' in client.get("/").content.decode()


@pytest.mark.parametrize("scope", [CITY, GROGOL, CENGKARENG])
@pytest.mark.parametrize("year", [2023, 2026])
def test_certificate_figures_agree_with_the_certificates_app(world, scope, year):
    """The report counts certificates in one scan of SQL; the certificates app's own selector
    (the ORM, one query per type) must give the same figures for the same day and businesses."""
    from certifications.selectors import coverage_by_type
    from reports.asof import reference_day
    from reports.sections import add_certificates
    from reports.selectors import Period, build_report, city_scope, kecamatan_scope
    from umkm.models import Business

    period = Period.for_year(year)
    on = reference_day(period.end)
    report = build_report(city_scope() if scope == CITY else kecamatan_scope(scope), period)
    add_certificates(report)
    table = next(t for t in report.extra["tables"] if t.key == "sertifikat")
    mine = {
        key: dict(zip([c.key for c in table.columns], values, strict=True))
        for key, values in table.rows
    }
    theirs = coverage_by_type(
        Business.objects.filter(
            states__valid__contains=on,
            states__kelurahan__code__startswith=scope + ".",
            states__status="aktif",
            binaan_since__lte=on,
        ),
        on=on,
    )
    for code, counts in theirs.items():
        assert mine[code]["valid"] == counts["issued"], code
        assert mine[code]["in_process"] == counts["in_process"], code
        assert mine[code]["expiring"] == counts["expiring_30"], code
        assert mine[code]["needed"] == counts["still_needed"], code


def test_years_and_chart_coordinates_are_not_localised(world, pejabat_client):
    """Indonesian number format writes 2.023 and 43,5: never in a link or an SVG attribute."""
    import re

    html = pejabat_client.get("/laporan/?dari=2015-01-01&sampai=2024-12-31").content.decode()
    assert '<a href="?tahun=2023"' in html and ">2023</a>" in html
    for attributes in re.findall(r"<(?:rect|svg)\b([^>]*)>", html):
        for name, value in re.findall(r'(x|y|width|height|viewBox)="([^"]*)"', attributes):
            assert re.fullmatch(r"[0-9. ]+", value) and "," not in value, (name, value)
            for number in value.split():
                float(number)
    omzet_chart = html[html.index('id="grafik-omzet"') :]
    omzet_chart = omzet_chart[: omzet_chart.index("</svg>")]
    assert omzet_chart.count('fill="#b4232a"') == 1 + 120  # the legend's swatch, 120 months
