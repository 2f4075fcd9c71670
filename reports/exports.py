"""The report's files: built here for the export view (one kecamatan, every CSV) and for the
background job (the whole city's XLSX and PDF), so that neither imports the other.

The cells go through the export layer (exports.xlsx, exports.csv_stream, exports.sql).
"""

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from config.routers import report_read, report_reads
from exports import csv_stream
from exports.registry import ExportFile, content_bytes, register
from reports import charts, renderers
from reports import permissions as policy
from reports.forms import PeriodForm, period_query, year_choices
from reports.models import ExportFormat, ExportLog
from reports.permissions import EXPORT_PERMISSION, VIEW_PERMISSION  # noqa: F401  (one address)
from reports.selectors import (
    SNAPSHOT_SECONDS,
    Scope,
    build_report,
    city_scope,
    kecamatan_scope,
    report_snapshot,
)
from reports.tables import build_tables, definition_items, long_tables


def report_context(*, user, query, scope: Scope) -> dict:
    """Everything the dashboard and the files show, for this user and these GET parameters
    (a request's, or those a background export job kept)."""
    form = PeriodForm(query or None)
    period = form.period()
    with report_snapshot():
        report = build_report(scope, period, sections=True)
    tables = build_tables(report)
    by_key = {table.key: table for table in tables}
    query = period_query(period)
    kwargs = {} if scope.is_city else {"code": scope.code}
    prefix = "reports:city" if scope.is_city else "reports:kecamatan"
    csv_url = reverse(f"{prefix}_export", kwargs={**kwargs, "fmt": "csv"})
    return {
        "report": report,
        "scope": scope,
        "period": period,
        "period_text": renderers.period_text(period),
        "title": renderers.report_title(report),
        "form": form,
        "years": year_choices(),
        "tables": by_key,
        "table_list": tables,
        "definition_items": definition_items(report),
        "query": query,
        "xlsx_url": reverse(f"{prefix}_export", kwargs={**kwargs, "fmt": "xlsx"}) + "?" + query,
        "pdf_url": reverse(f"{prefix}_export", kwargs={**kwargs, "fmt": "pdf"}) + "?" + query,
        # Each table's CSV in both variants (exports.csv_stream): the standard one first.
        "csv_links": [
            (
                t.title,
                [
                    (
                        v.label,
                        "&".join(filter(None, [f"{csv_url}?{query}&tabel={t.key}", v.query()])),
                    )
                    for v in csv_stream.VARIANTS.values()
                ],
            )
            for t in [*tables, *long_tables(scope, period)]
        ],
        "charts": charts.report_charts(by_key, scope_name=scope.name, is_city=scope.is_city),
        "can_export": policy.may_export(user),
        "city_url": reverse("reports:city") if policy.can_view_city(user) else "",
        "printed_at": timezone.localtime(),
        "render_token": renderers.render_token(),
        "kept_seconds": SNAPSHOT_SECONDS,
    }


def export_stem(scope: Scope, period) -> str:
    return f"laporan-umkm-{scope.code}-{period_query(period).replace('&', '_').replace('=', '-')}"


def export_file(*, user, query, scope: Scope, fmt: str) -> tuple[bytes, str, str]:
    """The XLSX or PDF file of a report: (content, content type, file name). Called by the
    export view (one kecamatan) and by the background job (the whole city). Read from the
    replica when healthy, again from the primary if it fails meanwhile (config/routers.py)."""
    return report_read(lambda: _export_file(user=user, query=query, scope=scope, fmt=fmt))


def _export_file(*, user, query, scope: Scope, fmt: str) -> tuple[bytes, str, str]:
    context = report_context(user=user, query=query, scope=scope)
    period = context["period"]
    stem = export_stem(scope, period)
    if fmt == ExportFormat.XLSX:
        query_tables = long_tables(scope, period)
        data = renderers.render_xlsx(context["report"], context["table_list"], query_tables)
        return data, renderers.XLSX_CONTENT_TYPE, f"{stem}.xlsx"
    data = renderers.render_pdf(context, None)
    return data, "application/pdf", f"{stem}.pdf"


def csv_file(*, user, query, scope: Scope, table_key: str) -> tuple[object, str]:
    """One table of a report as a streamed CSV, in the variant the query asks for (`csv=`,
    exports.csv_stream): (content iterator, file name); 404 for a table the report does not
    have."""
    period = PeriodForm(query or None).period()
    variant = csv_stream.variant_of(query)
    query_tables = {t.key: t for t in long_tables(scope, period)}
    if table_key in query_tables:
        # A long list alone: Postgres writes it, no report figures needed.
        content = renderers.stream_query_csv(query_tables[table_key], variant)
    else:
        with report_reads():
            tables = report_context(user=user, query=query, scope=scope)["tables"]
        if table_key not in tables:
            raise Http404
        content = renderers.stream_table_csv(tables[table_key], variant)
    return content, csv_stream.filename(f"{export_stem(scope, period)}-{table_key}", variant)


def log_export(*, user, fmt: str, table: str, scope: Scope, period) -> None:
    ExportLog.objects.create(
        user=user,
        format=fmt,
        table=table,
        scope=scope.code,
        period_start=period.start,
        period_end=period.end,
    )


# --- The registry of the portal's exports (exports.registry) ---------------------------------


def _every_file(*, user, query, scope: Scope):
    for fmt in (ExportFormat.XLSX, ExportFormat.PDF):
        data, content_type, filename = export_file(user=user, query=query, scope=scope, fmt=fmt)
        yield ExportFile(filename, content_type, data)
    period = PeriodForm(query or None).period()
    with report_reads():
        keys = [t.key for t in report_context(user=user, query=query, scope=scope)["table_list"]]
    for key in [*keys, *(t.key for t in long_tables(scope, period))]:
        for variant in csv_stream.VARIANTS.values():
            variant_query = {**query, csv_stream.PARAM: variant.key}
            content, filename = csv_file(user=user, query=variant_query, scope=scope, table_key=key)
            yield ExportFile(filename, "text/csv", content_bytes(content))


def _year_of(business) -> dict:
    return {"tahun": str(business.binaan_since.year)}


@register("reports.kecamatan", routes=["reports:kecamatan_export"])
def kecamatan_files(*, user, business):
    """Every file of the report of the business's kecamatan, for the year it joined: XLSX,
    PDF, each table's CSV."""
    scope = kecamatan_scope(business.kelurahan.kecamatan_id)
    yield from _every_file(user=user, query=_year_of(business), scope=scope)


@register("reports.city", routes=["reports:city_export"])
def city_files(*, user, business):
    """The same for the whole city (its XLSX and PDF are made by the background job)."""
    yield from _every_file(user=user, query=_year_of(business), scope=city_scope())
