"""The whole city's PDF and XLSX exports run as background jobs (jobs app): they read every
kecamatan's figures and render hundreds of pages or thousands of rows, too long for a
request. One kecamatan's files, and every CSV (streamed), stay immediate.

The job keeps the GET parameters (the period) and the language of the request that asked;
the worker re-checks that the person may still export the city report, builds the same file
as the export view would, stores it in the private storage and logs the export.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from reports.models import ExportFormat

RUNNER = "reports.jobs.run_city_export"
BACKGROUND_FORMATS = {ExportFormat.XLSX, ExportFormat.PDF}


def start_city_export(*, user, fmt: str, query: QueryDict):
    from jobs.services import job_start
    from reports.forms import PeriodForm, period_query
    from reports.renderers import period_text

    period = PeriodForm(query or None).period()
    # The job keeps the period it will export, not the address as typed (which may be long
    # or hostile: the back link's column holds 300 characters).
    chosen = period_query(period)
    back = reverse("reports:city")
    return job_start(
        requested_by=user,
        kind=f"report-city-{fmt}",
        title=_("City report (%(format)s): %(period)s")
        % {"format": fmt.upper(), "period": period_text(period)},
        runner=RUNNER,
        params={
            "fmt": fmt,
            "query": chosen,
            "language": translation.get_language() or settings.LANGUAGE_CODE,
        },
        back_url=f"{back}?{chosen}",
    )


def run_city_export(job, progress):
    from jobs.services import JobOutput
    from reports.exports import export_file, log_export
    from reports.forms import PeriodForm
    from reports.permissions import can_export_city
    from reports.selectors import city_scope

    user = job.requested_by
    params = job.params
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        # Permissions may have changed since the request: ask again.
        if not can_export_city(user):
            raise ValidationError(_("You may no longer export the city report."))
        query = QueryDict(params["query"])
        scope = city_scope()
        progress(10)
        data, content_type, filename = export_file(
            user=user, query=query, scope=scope, fmt=params["fmt"]
        )
        progress(95)
        period = PeriodForm(query or None).period()
        log_export(user=user, fmt=params["fmt"], table="", scope=scope, period=period)
        return JobOutput(
            message=_("The file is ready."),
            filename=filename,
            content_type=content_type,
            content=data,
        )
