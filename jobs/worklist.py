"""The user's own background jobs (spreadsheet imports, report files) on the staff desk
(config.worklist): running or waiting, and failed in the last week."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.worklist import Entry, register
from jobs.models import Job
from jobs.permissions import jobs_for

FAILED_RECENT_DAYS = 7


@register("jobs.own", title=gettext_lazy("Imports and background jobs"), order=90)
def own_jobs(user):
    jobs = jobs_for(user)
    url = reverse("jobs:list")
    since = timezone.now() - datetime.timedelta(days=FAILED_RECENT_DAYS)
    yield Entry(
        label=_("Failed in the last %(days)s days") % {"days": FAILED_RECENT_DAYS},
        count=jobs.filter(status=Job.Status.FAILED, created_at__gte=since).count(),
        url=f"{url}?status=failed",
        urgent=True,
    )
    yield Entry(
        label=_("Running or waiting"),
        count=jobs.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).count(),
        url=f"{url}?status=running",
    )
