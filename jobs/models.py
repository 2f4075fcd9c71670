"""A long job somebody asked for (a city-wide export, a large import) and its result file.

Generic on purpose: a job names its runner by dotted path, so this app imports neither the
register nor the reports; they import it. The task queue itself is django.tasks (see
jobs/services.py); this row is what the person who asked sees: progress, outcome, the file.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def private_storage():
    """settings.STORAGES["private"], looked up at each use (a FileField would keep the one
    of import time): the local folder on one server, the S3 bucket on several."""
    return storages["private"]


class JobQuerySet(models.QuerySet):
    def of(self, user):
        """Only the requester's own jobs: everybody else gets a 404, staff included."""
        return self.filter(requested_by=user)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    runner = models.CharField(_("runner"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    back_url = models.CharField(_("back link"), max_length=300, blank=True)
    # The file's name in the private storage; never a URL, never a local path.
    result_path = models.CharField(_("result file"), max_length=300, blank=True)
    result_name = models.CharField(_("file name"), max_length=200, blank=True)
    result_type = models.CharField(_("content type"), max_length=120, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # The lease of a running job: its worker renews it every few seconds (jobs.services);
    # a running job whose lease ran out lost its worker and is failed by whoever sees it
    # next (a new worker, the job's page, the pruning timer).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="jobs_job_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(progress=100, finished_at__isnull=False),
                name="jobs_job_done_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="jobs_job_status_known",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.pk])

    def get_download_url(self):
        return reverse("jobs:download", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def has_file(self) -> bool:
        return self.status == self.Status.DONE and bool(self.result_path)
