"""Dashboard and exports of the kecamatan report. Thin: access, period, one selector call, a
renderer, a log row."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.routers import report_reads
from reports import charts, renderers, sections
from reports import permissions as policy
from reports.forms import PeriodForm, period_query, year_choices
from reports.jobs import BACKGROUND_FORMATS, start_city_export
from reports.models import ExportFormat, ExportLog
from reports.permissions import EXPORT_PERMISSION, VIEW_PERMISSION
from reports.selectors import Scope, build_report, city_scope, kecamatan_scope, report_snapshot
from reports.tables import build_tables, long_tables


def _scope_for(request, code: str | None, permission: str) -> Scope | None:
    """The scope the user asked for, or None when an operator must go to their own kecamatan."""
    may = policy.may_export if permission == EXPORT_PERMISSION else policy.may_read
    if not may(request.user):
        raise PermissionDenied
    if code is None:
        own = policy.own_kecamatan(request.user)
        if own is None:
            return city_scope()
        if not own:
            raise PermissionDenied
        return None
    allowed = policy.can_export if permission == EXPORT_PERMISSION else policy.can_view_report
    if not allowed(request.user, code):
        raise Http404
    return kecamatan_scope(code)


def _own_kecamatan_url(request, name: str, **kwargs) -> str:
    url = reverse(name, kwargs={"code": policy.own_kecamatan(request.user), **kwargs})
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def _context(request, scope: Scope) -> dict:
    return report_context(user=request.user, query=request.GET, scope=scope)


def report_context(*, user, query, scope: Scope) -> dict:
    """Everything the dashboard and the files show, for this user and these GET parameters
    (a request's, or those a background export job kept)."""
    form = PeriodForm(query or None)
    period = form.period()
    with report_snapshot():
        report = build_report(scope, period)
        sections.add_sections(report)
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
        "query": query,
        "xlsx_url": reverse(f"{prefix}_export", kwargs={**kwargs, "fmt": "xlsx"}) + "?" + query,
        "pdf_url": reverse(f"{prefix}_export", kwargs={**kwargs, "fmt": "pdf"}) + "?" + query,
        "csv_links": [
            (t.title, f"{csv_url}?{query}&tabel={t.key}")
            for t in [*tables, *long_tables(scope, period)]
        ],
        "target_bars": charts.progress(
            [(a.name, a.new, a.target) for a in report.areas]
            if scope.is_city
            else [(scope.name, report.total.new, report.total.target)]
        ),
        "sector_bars": charts.bars([(r.label, r.active) for r in report.sectors]),
        "omzet_columns": charts.columns(
            [(renderers.month_label(m.month), m.omzet) for m in report.months]
        ),
        "omzet_width": 10 * len(report.months),
        "can_export": policy.may_export(user),
        "city_url": reverse("reports:city") if policy.can_view_city(user) else "",
        "extra_tables": report.extra.get("tables", []),
        "printed_at": timezone.localtime(),
        "OFFICE_HEAD_TITLE": settings.OFFICE_HEAD_TITLE,
        "OFFICE_HEAD_NAME": settings.OFFICE_HEAD_NAME,
        "OFFICE_HEAD_NIP": settings.OFFICE_HEAD_NIP,
    }


@require_safe
@login_required
@never_cache
def dashboard(request, code: str | None = None):
    scope = _scope_for(request, code, VIEW_PERMISSION)
    if scope is None:
        return redirect(_own_kecamatan_url(request, "reports:kecamatan"))
    with report_reads():  # the replica's, when there is one (config/routers.py)
        return render(request, "reports/dashboard.html", _context(request, scope))


@require_safe
@login_required
@never_cache
def export(request, fmt: str, code: str | None = None):
    if fmt not in ExportFormat.values:
        raise Http404
    scope = _scope_for(request, code, EXPORT_PERMISSION)
    if scope is None:
        return redirect(_own_kecamatan_url(request, "reports:kecamatan_export", fmt=fmt))
    if fmt in BACKGROUND_FORMATS and scope.is_city:
        # The whole city's file takes long: the worker makes it, the page shows progress.
        job = start_city_export(user=request.user, fmt=fmt, query=request.GET)
        return redirect(job.get_absolute_url())
    period = PeriodForm(request.GET or None).period()
    table_key = ""

    if fmt == ExportFormat.CSV:
        query_tables = {t.key: t for t in long_tables(scope, period)}
        table_key = request.GET.get("tabel", "ringkasan")
        if table_key in query_tables:
            # A long list alone: Postgres writes it, no report figures needed.
            content = renderers.stream_query_csv(query_tables[table_key])
        else:
            with report_reads():
                tables = _context(request, scope)["tables"]
            if table_key not in tables:
                raise Http404
            content = renderers.stream_table_csv(tables[table_key])
        response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
        filename = f"{export_stem(scope, period)}-{table_key}.csv"
    else:
        data, content_type, filename = export_file(
            user=request.user, query=request.GET, scope=scope, fmt=fmt
        )
        response = HttpResponse(data, content_type=content_type)

    log_export(user=request.user, fmt=fmt, table=table_key, scope=scope, period=period)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_stem(scope: Scope, period) -> str:
    return f"laporan-umkm-{scope.code}-{period_query(period).replace('&', '_').replace('=', '-')}"


def export_file(*, user, query, scope: Scope, fmt: str) -> tuple[bytes, str, str]:
    """The XLSX or PDF file of a report: (content, content type, file name). Called by the
    export view (one kecamatan) and by the background job (the whole city)."""
    with report_reads():
        context = report_context(user=user, query=query, scope=scope)
        period = context["period"]
        stem = export_stem(scope, period)
        if fmt == ExportFormat.XLSX:
            query_tables = long_tables(scope, period)
            data = renderers.render_xlsx(context["report"], context["table_list"], query_tables)
            return data, renderers.XLSX_CONTENT_TYPE, f"{stem}.xlsx"
        # No request in a job: what the context processors would add, given here.
        data = renderers.render_pdf({**context, "OFFICE_NAME": settings.OFFICE_NAME}, None)
        return data, "application/pdf", f"{stem}.pdf"


def log_export(*, user, fmt: str, table: str, scope: Scope, period) -> None:
    ExportLog.objects.create(
        user=user,
        format=fmt,
        table=table,
        scope=scope.code,
        period_start=period.start,
        period_end=period.end,
    )
