"""Dashboard and exports of the kecamatan report. Thin: access, period, one selector call, a
renderer (reports.exports), a log row."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config import params
from config.access import staff_required
from config.routers import report_read
from exports.csv_stream import CONTENT_TYPE as CSV_CONTENT_TYPE
from reports import permissions as policy
from reports.exports import csv_file, export_file, log_export, report_context
from reports.forms import PeriodForm
from reports.jobs import BACKGROUND_FORMATS, start_city_export
from reports.models import ExportFormat
from reports.permissions import EXPORT_PERMISSION, VIEW_PERMISSION
from reports.selectors import Scope, city_scope, kecamatan_scope


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
    try:
        code = params.area_code(code, name="kecamatan")
    except params.BadParameter as exc:
        raise Http404 from exc
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


@require_safe
@staff_required
@never_cache
def dashboard(request, code: str | None = None):
    scope = _scope_for(request, code, VIEW_PERMISSION)
    if scope is None:
        return redirect(_own_kecamatan_url(request, "reports:kecamatan"))
    # The replica's, when there is one and it is healthy; the primary's if it fails meanwhile.
    return report_read(lambda: render(request, "reports/dashboard.html", _context(request, scope)))


@require_safe
@staff_required
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
        table_key = request.GET.get("tabel", "ringkasan")
        content, filename = csv_file(
            user=request.user, query=request.GET, scope=scope, table_key=table_key
        )
        response = StreamingHttpResponse(content, content_type=CSV_CONTENT_TYPE)
    else:
        data, content_type, filename = export_file(
            user=request.user, query=request.GET, scope=scope, fmt=fmt
        )
        response = HttpResponse(data, content_type=content_type)

    log_export(user=request.user, fmt=fmt, table=table_key, scope=scope, period=period)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
