"""The admin lists at DKI scale, as rules over every registered ModelAdmin (the figures are
bench/admin_changelists.py's): a capped page count, sorts an index can serve, date hierarchies
without DISTINCT, and the certificate search on one table."""

import datetime
import re

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR
from django.core.paginator import EmptyPage
from django.db import connection
from django.db.models import ForeignKey
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tests.certifications.factories import open_case
from tests.factories import (
    BusinessFactory,
    MentoringFactory,
    UserFactory,
    admin_sudin,
    operator,
)
from umkm.admin.base import EstimatedCountPaginator, FastChangeList, FastListMixin
from umkm.models import Business

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"umkm", "bazaars", "certifications", "reports", "mentors", "owners"}
# Not ours to change, or below umkm (jobs and notifications import no project app); small
# tables all of them.
NOT_OURS = {"auth", "axes", "otp_totp", "django_tasks_database", "jobs", "notifications"}
# Reference data of a few hundred rows at most, or lists bounded by the programme (27,000
# trainings, ~15,000 participations, the export log): a sort of the whole table in memory is
# a few ms; bench/admin_changelists.py measures them all the same.
REFERENCE = {
    "umkm.Training",
    "bazaars.Participation",
    "reports.ExportLog",
    "umkm.City",
    "umkm.Kecamatan",
    "umkm.Kelurahan",
    "umkm.Sector",
    "umkm.Stage",
    "umkm.StageRule",
    # A few thousand mentors; the owners' requests to staff, a queue that is worked down.
    "mentors.Mentor",
    "owners.ProfileEdit",
    "owners.CorrectionRequest",
    "owners.DeletionRequest",
    "umkm.YearlyTarget",
    "certifications.CertificateType",
    "bazaars.Venue",
    "bazaars.Bazaar",
}


def _project_admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PROJECT_APPS:
            yield model, model_admin


def test_every_project_admin_is_known_to_this_test():
    apps = {m._meta.app_label for m in admin.site._registry}
    assert apps <= PROJECT_APPS | NOT_OURS, apps - PROJECT_APPS - NOT_OURS


@pytest.mark.parametrize(
    "model_admin", [a for _m, a in _project_admins()], ids=lambda a: str(a.model._meta)
)
def test_every_project_list_has_the_capped_count_and_the_fast_changelist(model_admin):
    request = RequestFactory().get("/")
    request.user = admin_sudin()
    assert isinstance(model_admin, FastListMixin)
    assert issubclass(model_admin.get_changelist(request), FastChangeList)
    assert issubclass(model_admin.paginator, EstimatedCountPaginator)
    assert model_admin.show_full_result_count is False
    assert model_admin.list_per_page <= 50


@pytest.mark.parametrize(
    "model_admin", [a for _m, a in _project_admins()], ids=lambda a: str(a.model._meta)
)
def test_every_project_lists_row_checkbox_is_djangos_markup(model_admin):
    """FastListMixin.action_checkbox writes the checkbox itself: byte for byte what Django's
    widget renders, in Indonesian too, for a name that needs escaping."""
    for language in ("id", "en"):
        with translation.override(language):
            ours = model_admin.action_checkbox(_Named(7, 'Kopi "Tugu" & <Tani>'))
            django = admin.ModelAdmin.action_checkbox(
                model_admin, _Named(7, 'Kopi "Tugu" & <Tani>')
            )
            assert str(ours) == str(django)


def test_row_links_keep_the_lists_filters_as_djangos_add_preserved_filters_would(client):
    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters

    from tests.factories import EnrolmentFactory, TrainingFactory

    first, second = BusinessFactory(), BusinessFactory()
    for business in (first, second):
        EnrolmentFactory(
            business=business, owner=business.owner, training=TrainingFactory(), attended=True
        )
    client.force_login(admin_sudin())
    base = reverse("admin:umkm_enrolment_changelist")
    for query in ("", "?o=1", "?o=-3&attended__exact=1&q=a%26b"):
        response = client.get(base + query)
        cl = response.context["cl"]
        html = response.content.decode()
        for enrolment in cl.result_list:
            change = reverse("admin:umkm_enrolment_change", args=[enrolment.pk])
            preserved = client.get(base + query).context["preserved_filters"]
            expected = add_preserved_filters(
                {"preserved_filters": preserved, "opts": cl.opts}, change
            )
            assert f'href="{escape(expected)}"' in html, (query, expected)
            assert ("_changelist_filters" in expected) == bool(query)


class _Named:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name

    def __str__(self):
        return self.name


def test_the_paginator_offers_no_page_past_the_cap():
    class Small(EstimatedCountPaginator):
        COUNT_CAP = 4

    BusinessFactory.create_batch(10)
    unfiltered = Small(Business.objects.order_by("-id"), 2)
    filtered = Small(Business.objects.filter(id__gt=0).order_by("-id"), 2)

    assert (unfiltered.count, unfiltered.num_pages) == (10, 2)
    assert (filtered.count, filtered.num_pages) == (4, 2)
    assert Small(Business.objects.order_by("-id"), 3).num_pages == 2  # ceil(4 / 3)


def test_a_page_past_the_cap_is_not_served_and_a_deep_page_is_the_same_rows():
    class Small(EstimatedCountPaginator):
        COUNT_CAP = 6
        DEFERRED_FROM = 2  # the ids first from the second page on

    BusinessFactory.create_batch(8)
    ordered = Business.objects.select_related("owner").order_by("name", "-id")
    paginator = Small(ordered, 2)

    with pytest.raises(EmptyPage):
        paginator.page(4)
    for number in (1, 2, 3):
        expected = list(ordered.values_list("pk", flat=True)[(number - 1) * 2 : number * 2])
        assert [b.pk for b in paginator.page(number).object_list] == expected


def _sortable(model_admin, user):
    """(index in the changelist's columns, name, ordering field) of each sortable column."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    for index, name in enumerate(changelist.list_display):
        if name not in changelist.sortable_by:
            continue
        field = changelist.get_ordering_field(name)
        if field:
            yield index, name, field


def _index_leads(model) -> set[str]:
    """The columns that lead an index of the model's table (attnames)."""
    opts = model._meta
    leads = {opts.pk.attname}
    for f in opts.concrete_fields:
        if f.unique or f.db_index:
            leads.add(f.attname)
    for index in opts.indexes:
        if index.fields:
            leads.add(opts.get_field(index.fields[0].lstrip("-")).attname)
    for constraint in opts.constraints:
        fields = getattr(constraint, "fields", ())
        if fields and getattr(constraint, "condition", None) is None:
            leads.add(opts.get_field(fields[0]).attname)
    return leads


def _large_admins():
    return [
        (m, a)
        for m, a in _project_admins()
        if f"{m._meta.app_label}.{m._meta.object_name}" not in REFERENCE
    ]


@pytest.mark.parametrize("model,model_admin", _large_admins(), ids=lambda x: str(x))
def test_every_sortable_column_of_a_large_list_leads_an_index(model, model_admin):
    leads = _index_leads(model)
    missing = []
    for _index, name, field in _sortable(model_admin, UserFactory(is_superuser=True)):
        if not isinstance(field, str) or "__" in field or field.startswith("_"):
            missing.append((name, field))  # a join or an annotation: no index can serve it
            continue
        column = model._meta.get_field(field.lstrip("-")).attname
        if column not in leads:
            missing.append((name, column))
    assert not missing, missing


@pytest.mark.parametrize("model,model_admin", _large_admins(), ids=lambda x: str(x))
def test_a_sort_breaks_ties_against_its_direction_and_foreign_keys_sort_by_key(model, model_admin):
    user = UserFactory(is_superuser=True, is_staff=True)
    for index, name, _field in _sortable(model_admin, user):
        for prefix, tie in (("", "-pk"), ("-", "pk")):
            request = RequestFactory().get("/", {ORDER_VAR: f"{prefix}{index}"})
            request.user = user
            changelist = model_admin.get_changelist_instance(request)
            ordering = changelist.get_ordering(request, changelist.root_queryset)
            pk_names = {"pk", model._meta.pk.name, model._meta.pk.attname}
            assert ordering[-1].lstrip("-") in pk_names, (name, ordering)
            assert ordering[-1].startswith("-") == (tie == "-pk"), (name, ordering)
            field = next((f for f in model._meta.fields if f.name == name), None)
            if isinstance(field, ForeignKey):
                assert ordering[0] == f"{prefix}{field.attname}", (name, ordering)


def _date_admins():
    return [(m, a) for m, a in _project_admins() if a.date_hierarchy]


@pytest.mark.parametrize("model,model_admin", _date_admins(), ids=lambda x: str(x))
def test_no_date_hierarchy_level_runs_a_distinct_over_the_list(client, model, model_admin):
    for day in (datetime.date(2023, 3, 4), datetime.date(2024, 5, 6), datetime.date(2024, 5, 9)):
        business = BusinessFactory(binaan_since=day)
        MentoringFactory(business=business, date=day)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    field = model_admin.date_hierarchy
    for query in ("", f"?{field}__year=2024", f"?{field}__year=2024&{field}__month=5"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url + query).status_code == 200
        column = model._meta.get_field(field).column
        distinct = [q["sql"] for q in queries if re.search(rf'DISTINCT.*"{column}"', q["sql"])]
        assert not distinct, (query, distinct)
        # nor the tag's MIN/MAX over the whole (scoped) list: the span's two index probes
        aggregate = [q["sql"] for q in queries if re.search(rf'(MIN|MAX)\(.*"{column}"', q["sql"])]
        assert not aggregate, (query, aggregate)


def test_the_date_hierarchy_offers_the_years_and_months_of_the_list(client):
    for day in (datetime.date(2022, 3, 4), datetime.date(2024, 5, 6), datetime.date(2024, 7, 9)):
        MentoringFactory(business=BusinessFactory(), date=day)
    client.force_login(admin_sudin())
    url = reverse("admin:umkm_mentoring_changelist")
    page = client.get(url).content.decode()
    assert all(f"date__year={y}" in page for y in (2022, 2023, 2024))
    page = client.get(url + "?date__year=2024").content.decode()
    months = set(re.findall(r"date__month=(\d+)", page))
    assert months == {"5", "6", "7"}


def test_a_list_within_one_month_opens_at_its_days_as_djangos_hierarchy_would(client):
    """The hierarchy's start level comes from the span's probes (lists.DateSpanQuerySetMixin
    .aggregate) as it came from Django's MIN/MAX: one year opens at its months, one month at
    its days."""
    for day in (datetime.date(2024, 5, 6), datetime.date(2024, 5, 9)):
        MentoringFactory(business=BusinessFactory(), date=day)
    client.force_login(admin_sudin())
    page = client.get(reverse("admin:umkm_mentoring_changelist")).content.decode()
    assert "date__day=6" in page and "date__day=9" in page
    assert "date__year=2023" not in page
    MentoringFactory(business=BusinessFactory(), date=datetime.date(2024, 8, 1))
    page = client.get(reverse("admin:umkm_mentoring_changelist")).content.decode()
    assert "date__month=5" in page and "date__month=8" in page and "date__day=" not in page


def test_only_the_hierarchys_own_min_max_is_answered_from_the_span():
    from django.db.models import Count, Max, Min, Q

    from umkm.admin.lists import DateSpanQuerySetMixin
    from umkm.models import Mentoring

    MentoringFactory(business=BusinessFactory(), date=datetime.date(2024, 5, 6), monthly_omzet=7)
    qs = Mentoring.objects.all()
    qs.__class__ = type("Spanned", (DateSpanQuerySetMixin, type(qs)), {})
    span = {"first": datetime.date(2024, 5, 6), "last": datetime.date(2024, 5, 6)}
    assert qs.aggregate(first=Min("date"), last=Max("date")) == span
    # any other aggregate is the database's: another name, a filter, another field, a count
    assert qs.aggregate(first=Min("date"), last=Max("monthly_omzet"))["last"] == 7
    filtered = qs.aggregate(first=Min("date", filter=Q(pk=0)), last=Max("date"))
    assert filtered["first"] is None
    assert qs.aggregate(n=Count("id")) == {"n": 1}


def test_the_operators_date_hierarchy_spans_only_their_kecamatan(client):
    from tests.factories import kelurahan

    elsewhere = BusinessFactory(kelurahan=kelurahan("31.73.01.1001"))
    mine = BusinessFactory(kelurahan=kelurahan("31.73.02.1002"))
    MentoringFactory(business=elsewhere, date=datetime.date(2019, 1, 2))
    MentoringFactory(business=mine, date=datetime.date(2024, 1, 2))
    client.force_login(operator("31.73.02"))
    page = client.get(reverse("admin:umkm_mentoring_changelist")).content.decode()
    assert "date__year=2019" not in page
    assert "2024" in page


# --- certificate cases: the business name on the case ------------------------------------


def test_the_case_keeps_its_business_name_through_a_rename():
    business = BusinessFactory(name="Keripik Lama")
    case = open_case(business)
    case.refresh_from_db()
    assert case.business_name == "Keripik Lama"

    Business.objects.filter(pk=business.pk).update(name="Keripik Baru")

    case.refresh_from_db()
    assert case.business_name == "Keripik Baru"


def test_the_case_search_reads_one_table(client):
    wanted = open_case(BusinessFactory(name="Sambal Bu Tini"))
    open_case(BusinessFactory(name="Batik Pak Joko"))
    client.force_login(admin_sudin())
    url = reverse("admin:certifications_certificatecase_changelist")

    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, {"q": "bu tini"}).content.decode()

    assert "Sambal Bu Tini" in page
    assert "Batik Pak Joko" not in page
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT")]
    assert counts and all("umkm_business" not in sql for sql in counts), counts
    assert str(wanted.pk) in page


def test_an_operators_sorted_list_finds_its_rows_first_and_keeps_their_order(client, monkeypatch):
    """An operator's list sorted on a column whose values sit together by kecamatan
    (`sorts_after_scope`) is sorted on COALESCE(column, column), which no index holds, so that
    Postgres reads the kecamatan's rows through the scope and sorts them (a walk of the sort's
    index met other kecamatans' rows first for seconds); the order shown stays the column's,
    and city-wide staff keep the index sort."""
    from tests.factories import EnrolmentFactory, TrainingFactory, kelurahan

    here = [BusinessFactory(kelurahan=kelurahan("31.73.02.1002")) for _ in range(3)]
    BusinessFactory(kelurahan=kelurahan("31.73.01.1001"))
    trainings = [TrainingFactory() for _ in range(3)]
    for business, training in zip(here, reversed(trainings), strict=True):
        EnrolmentFactory(business=business, owner=business.owner, training=training)
    url = reverse("admin:umkm_enrolment_changelist")
    from umkm.models import Enrolment

    # ?o=N counts the changelist's columns, the action checkbox first
    column = ["action_checkbox", *admin.site._registry[Enrolment].list_display].index("training")
    monkeypatch.setattr(admin.site._registry[Enrolment], "list_per_page", 2)  # two pages
    for user, fenced in ((operator("31.73.02"), True), (admin_sudin(), False)):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{url}?o=-{column}")
        assert response.status_code == 200
        page = [q["sql"] for q in queries if 'FROM "umkm_enrolment"' in q["sql"]]
        assert any("ORDER BY COALESCE" in sql for sql in page) == fenced, page
        if fenced:  # the page's ids first, sorted on the scope's rows alone, then its rows
            ids = [sql for sql in page if "ORDER BY COALESCE" in sql and "LIMIT" in sql]
            assert ids and all('"umkm_owner"' not in sql for sql in ids), ids
            assert all('"umkm_training"' not in sql for sql in ids), ids
            assert ids[0].startswith('SELECT "umkm_enrolment"."id" AS "pk" FROM'), ids
        shown = [e.training_id for e in response.context["cl"].result_list]
        assert shown == sorted(shown, reverse=True) and shown, shown
    # a column whose rows come up evenly keeps the index walk, for the operator too
    client.force_login(operator("31.73.02"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{url}?o=1").status_code == 200
    assert not any("ORDER BY COALESCE" in q["sql"] for q in queries)


@pytest.mark.parametrize(
    "model,model_admin", list(_project_admins()), ids=lambda x: str(getattr(x, "_meta", x))
)
def test_every_list_is_read_without_parallel_workers_rendering_included(client, model, model_admin):
    """Every query of a project list that reads its table, the date hierarchy's in the page's
    template included, runs after the SET LOCAL and before its transaction ends: on 2 cores a
    parallel plan was the slow one (FastListMixin.changelist_view)."""
    for day in (datetime.date(2024, 5, 6), datetime.date(2024, 5, 9)):
        MentoringFactory(business=BusinessFactory(binaan_since=day), date=day)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in captured]
    start = sql.index("SET LOCAL max_parallel_workers_per_gather = 0")
    ends = ("COMMIT", "ROLLBACK", "RELEASE SAVEPOINT")  # a savepoint inside the test's own
    end = next(i for i in range(start, len(sql)) if sql[i].startswith(ends))
    reads = [i for i, text in enumerate(sql) if f'FROM "{opts.db_table}"' in text]
    assert reads and all(start < i < end for i in reads), (start, end, reads, sql)
