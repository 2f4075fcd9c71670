"""The admin lists at DKI scale (every project ModelAdmin's changelist goes through
FastListMixin; tests/umkm/test_admin_speed.py walks the registry): an estimated, capped
count, sorts an index can serve, an operator's sorts after its kecamatan's rows are found, and
date hierarchies that read the span of the list, not every row."""

import datetime
import math

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import (
    FieldDoesNotExist,
)
from django.core.paginator import Paginator
from django.db import connection, connections, router, transaction
from django.db.models import F, Max, Min, OrderBy
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext

from umkm import permissions

# --- Speed at DKI scale -------------------------------------------------------------------


class EstimatedCountPaginator(Paginator):
    """No COUNT(*) over the whole table, and no page deeper than COUNT_CAP rows.

    Unfiltered: Postgres' own estimate (pg_class.reltuples, kept by ANALYZE/autovacuum) once
    the table is large. Filtered or searched: an exact count, capped at COUNT_CAP rows. Either
    way the list offers at most COUNT_CAP / per_page pages (a capped page count, not keyset
    pagination: the admin's numbered links, sorts and filters keep working as clerks know
    them, and the deepest OFFSET any link asks for is COUNT_CAP rows of an index, ~10 ms,
    where ?p=7000 of 370,000 rows read and threw away 350,000). Past the cap: narrow the
    list with a filter, the search or the date hierarchy, or sort the other way.
    """

    ESTIMATE_FROM = 50_000
    COUNT_CAP = 10_000

    @cached_property
    def count(self):
        qs = self.object_list
        query = getattr(qs, "query", None)
        if query is None:
            return super().count
        if not query.where:
            estimate = _table_estimate(qs.model._meta.db_table)
            if estimate >= self.ESTIMATE_FROM:
                return estimate
            return qs.count()
        return qs.order_by()[: self.COUNT_CAP].count()

    @cached_property
    def num_pages(self):
        return min(super().num_pages, max(1, math.ceil(self.COUNT_CAP / self.per_page)))

    DEFERRED_FROM = 500  # rows skipped from which the page's ids are looked up first

    def page(self, number):
        """A deep page finds its ids first (the sort's index alone, no joins), then loads
        those rows with the list's joins: the OFFSET then skips index entries, not 10,000
        rows joined to their owners, sectors and areas (259 ms -> ~20 ms at ?p=199)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        qs = self.object_list
        if not hasattr(qs, "values_list") or qs.query.distinct:
            return super().page(number)
        if bottom < self.DEFERRED_FROM and not _sorts_after_the_scope(qs):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(qs.values_list("pk", flat=True)[bottom:top])
        return self._get_page(qs.filter(pk__in=ids), number, self)


class FastChangeList(ChangeList):
    """The changelist of every project admin at DKI scale.

    - Sorts that an index can answer: a column is sorted on its own database column, with the
      primary key as tie-breaker in the OPPOSITE direction (Django appends "-pk" whatever the
      direction): then one (column, -id) index serves the sort both ways, forwards and
      backwards, and also the list filtered on that column in its default newest-first
      order (ORDER BY -id). A foreign key column
      is sorted by its key (rows grouped by sector, stage, kelurahan...) instead of by the
      related model's ordering, which is a sort of every joined row that no index can serve.
    - A list drilled down the date hierarchy is ordered by that date, newest first.
    - The date hierarchy without DISTINCT: each level offers the periods between the first
      and the last date of the list (two ORDER BY ... LIMIT 1 probes of the date's index),
      not `SELECT DISTINCT date_trunc(...)` over every row. A period may turn out empty.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each row's link keeps the list's filters (?_changelist_filters=...). Django adds them
        # per row in add_preserved_filters, which resolves the row's address against the whole
        # admin URLconf to see whether it is this changelist (it never is: it is a change page),
        # 2-3 ms a row once the list is sorted or filtered. url_for_result adds them instead.
        self._row_filters, self.preserved_filters = self.preserved_filters, ""

    def url_for_result(self, result):
        url = super().url_for_result(result)
        return f"{url}?{self._row_filters}" if self._row_filters else url

    def get_ordering_field(self, field_name):
        try:
            field = self.lookup_opts.get_field(field_name)
        except FieldDoesNotExist:
            return super().get_ordering_field(field_name)
        if field.many_to_one and field.concrete:
            return field.attname
        return field.name

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        field = self.date_hierarchy
        if (
            field
            and ORDER_VAR not in self.params
            and any(key.startswith(f"{field}__") for key in self.params)
        ):
            # Drilled down the date hierarchy: newest first by that date, on its (date, -id)
            # index, which reads one year, month or day in order; newest first by id walked
            # the whole key index to find an old year's rows (0.6-2.7 s).
            ordering = [f"-{field}", "-pk"]
        pk = self.lookup_opts.pk
        last = ordering[-1] if ordering else None
        if len(ordering) > 1 and last in {"-pk", f"-{pk.name}", f"-{pk.attname}"}:
            first = ordering[0]
            if isinstance(first, OrderBy):
                descending = first.descending
            else:
                descending = str(first).startswith("-")
            if descending:
                ordering = [*ordering[:-1], last[1:]]
        clustered = getattr(self.model_admin, "sorts_after_scope", ())
        if ordering and _column(ordering[0]) in clustered and self._scoped(request):
            ordering = [_sorted_after_the_scope(ordering[0]), *ordering[1:]]
        return ordering

    def _scoped(self, request) -> bool:
        return bool(getattr(self.model_admin, "scope", None)) and bool(
            permissions.operator_kecamatan_code(request.user)
        )

    def get_queryset(self, request, exclude_parameters=None):
        qs = super().get_queryset(request, exclude_parameters)
        if self.date_hierarchy:
            cls = qs.__class__
            qs.__class__ = type(cls.__name__, (DateSpanQuerySetMixin, cls), {})
        return qs


def _column(key) -> str | None:
    if isinstance(key, str):
        return key.removeprefix("-")
    expression = key.expression if isinstance(key, OrderBy) else key
    return getattr(expression, "name", None)


def _sorted_after_the_scope(key):
    """An operator's list is one kecamatan's rows (about 1 in 44). With a LIMIT, Postgres walks
    the sort's own index and counts on the kecamatan's rows to come up evenly along it; for a
    column whose values sit together by kecamatan (`sorts_after_scope` of the admin: a
    training's trainees, a kelurahan's owners) they do not: the newest trainings' enrolments
    were all elsewhere, and 185,000 index entries went by before 50 were found (3 s). Sorted on
    COALESCE(column, column), which no index holds, the scope goes first and a top-N sort of
    its rows follows (~15-40 ms). Not for every column: where the rows come up evenly, the
    index walk is the faster plan (a business list sorted by name)."""
    if isinstance(key, OrderBy):
        expression, descending = key.expression, key.descending
    elif isinstance(key, str):
        expression, descending = F(key.removeprefix("-")), key.startswith("-")
    else:
        return key
    return OrderBy(ScopeFirst(expression, expression), descending=descending)


class ScopeFirst(Coalesce):
    """COALESCE(column, column): the sort of _sorted_after_the_scope. Its page's ids are found
    first, on the scope's rows alone (EstimatedCountPaginator.page), also on page 1: without
    parallel workers (FastListMixin.changelist_view) Postgres joined each of the kecamatan's
    22,838 enrolments to its owner and training before the top-50 sort (274 ms); the ids
    first and then 50 rows, ~45 ms."""


def _sorts_after_the_scope(qs) -> bool:
    return any(
        isinstance(getattr(key, "expression", None), ScopeFirst) for key in qs.query.order_by
    )


class DateSpanQuerySetMixin:
    """`dates()` / `datetimes()` for the date hierarchy from the list's first and last date,
    and the hierarchy's own `aggregate(first=Min(date), last=Max(date))` (Django's
    date_hierarchy tag, to choose the level to start at) from the same two probes: the
    aggregate over an operator's scope read every business of the city (a join no index
    serves: 63-72 ms of the operator's business list, 33 ms of their mentoring sessions)."""

    def aggregate(self, *args, **kwargs):
        field_name = _min_max_of_one_date(args, kwargs)
        if field_name is None:
            return super().aggregate(*args, **kwargs)
        first, last = self._span(field_name)
        return {"first": first, "last": last}

    def _span(self, field_name):
        base = self.order_by().filter(**{f"{field_name}__isnull": False})
        first = base.order_by(field_name).values_list(field_name, flat=True).first()
        if first is None:
            return None, None
        last = base.order_by(f"-{field_name}").values_list(field_name, flat=True).first()
        return first, last

    def dates(self, field_name, kind, order="ASC"):
        first, last = self._span(field_name)
        if first is None:
            return []
        return _periods(first, last, kind)

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None, **kwargs):
        first, last = self._span(field_name)
        if first is None:
            return []
        zone = tzinfo or timezone.get_current_timezone()
        first, last = timezone.localtime(first, zone), timezone.localtime(last, zone)
        return [
            timezone.make_aware(datetime.datetime(d.year, d.month, d.day), zone)
            for d in _periods(first.date(), last.date(), kind)
        ]


def _min_max_of_one_date(args, kwargs) -> str | None:
    """The field of `aggregate(first=Min(f), last=Max(f))` exactly as Django's date hierarchy
    asks it (no filter, no other aggregate), else None."""
    if args or set(kwargs) != {"first", "last"}:
        return None
    first, last = kwargs["first"], kwargs["last"]
    if type(first) is not Min or type(last) is not Max or first.filter or last.filter:
        return None
    names = {
        expression.name if isinstance(expression, F) else None
        for aggregate in (first, last)
        for expression in aggregate.get_source_expressions()
        if expression is not None  # the aggregate's filter and ordering slots, unset
    }
    name = names.pop() if len(names) == 1 else None
    return name if name and LOOKUP_SEP not in name else None


def _periods(first: datetime.date, last: datetime.date, kind: str) -> list[datetime.date]:
    if kind == "year":
        return [datetime.date(y, 1, 1) for y in range(first.year, last.year + 1)]
    if kind == "month":
        out, day = [], datetime.date(first.year, first.month, 1)
        while day <= last:
            out.append(day)
            day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return out
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


class FastListMixin:
    """What every project ModelAdmin's list shares (tests/umkm/test_admin_speed.py walks the
    registry): the capped, estimated count and the index-friendly changelist."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # 50 rows a page, not Django's 100: about three screens at 1366 x 768 already, and most of
    # a list's time is its rows rendered (items_for_result: ~1 ms a row of joined columns,
    # more than the page's SQL at 370,000 businesses).
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return FastChangeList

    def changelist_view(self, request, extra_context=None):
        """A list read (GET) is planned without parallel workers, the page rendered inside (the
        date hierarchy's probes run in its template tag). On 2 cores shared with the other
        requests a parallel plan was the slower one: an operator's last page of mentoring
        sessions scanned a whole business index in three processes (68 ms) where one process
        probes the kecamatan's 10,000 businesses (18 ms). Actions (POST) are left as they are:
        their writes have their own transactions in the services."""
        if request.method not in ("GET", "HEAD"):
            return super().changelist_view(request, extra_context)
        using = router.db_for_read(self.model)
        with transaction.atomic(using=using):
            with connections[using].cursor() as cursor:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def action_checkbox(self, obj):
        """Django's row checkbox, the same markup, without rendering a CheckboxInput through
        the form renderer's template for every row (a fifth of a 50-row page's time)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


def _table_estimate(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return max(0, row[0]) if row else 0
