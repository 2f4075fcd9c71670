"""The whole city's PDF and XLSX exports run in the background worker; one kecamatan's stay
immediate. The file goes to the person who asked, and to nobody else."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from jobs.models import Job
from reports.models import ExportLog
from tests.factories import pejabat
from tests.reports.factories import CITY, GROGOL

# Jobs run inside the request here (development's immediate backend) unless a test says
# TASKS=DATABASE_TASKS (production's queue and its worker).
pytestmark = [pytest.mark.django_db, pytest.mark.development_settings("TASKS")]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_city_xlsx_export_runs_as_a_job_for_the_person_who_asked(pejabat_client):
    response = pejabat_client.get("/laporan/ekspor/xlsx/?tahun=2023")

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert job.kind == "report-city-xlsx"
    assert job.title == "Laporan kota (XLSX): Tahun 2023"
    assert job.back_url == "/laporan/?tahun=2023"
    assert job.status == Job.Status.DONE
    download = pejabat_client.get(job.get_download_url())
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    assert download["Content-Disposition"].startswith('attachment; filename="laporan-umkm-31.73-')
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert len(workbook.worksheets) > 3
    log = ExportLog.objects.get()
    assert (log.user, log.format, log.scope) == (job.requested_by, "xlsx", CITY)

    pejabat_client.force_login(pejabat(username="pejabat-lain"))
    assert pejabat_client.get(job.get_download_url()).status_code == 404
    assert pejabat_client.get(job.get_absolute_url()).status_code == 404


def test_one_kecamatan_export_stays_immediate(pejabat_client):
    response = pejabat_client.get(f"/laporan/kecamatan/{GROGOL}/ekspor/pdf/?tahun=2023")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_city_pdf_export_waits_for_the_worker(pejabat_client):
    response = pejabat_client.get("/laporan/ekspor/pdf/?tahun=2023")
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert not ExportLog.objects.exists()
    page = pejabat_client.get(response["Location"]).content.decode()
    assert '<progress id="job-progress"' in page

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    status = pejabat_client.get(job.get_absolute_url() + "status.json").json()
    assert status["status"] == "done"
    pdf = b"".join(pejabat_client.get(status["download_url"]).streaming_content)
    assert pdf.startswith(b"%PDF")
    assert ExportLog.objects.get().format == "pdf"


@override_settings(TASKS=DATABASE_TASKS)
def test_export_refused_when_the_permission_went_before_the_worker_ran(pejabat_client):
    pejabat_client.get("/laporan/ekspor/xlsx/?tahun=2023")
    job = Job.objects.get()
    user = job.requested_by
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_report"))

    from config.actors import SYSTEM
    from jobs.services import job_run

    job_run(actor=SYSTEM, job_id=str(job.pk))

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "Anda tidak lagi boleh mengekspor laporan kota."
    assert not job.result_path
    assert not ExportLog.objects.exists()


@pytest.mark.skipif("replica" not in connections, reason="DATABASE_REPLICA_URL is not set")
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_dashboard_reads_its_figures_from_the_replica(pejabat_client, settings):
    settings.REPLICA_READS = True
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = pejabat_client.get("/laporan/?tahun=2023")
    assert response.status_code == 200
    assert len(on_replica) >= 3  # the report's scans


@pytest.mark.skipif("replica" not in connections, reason="DATABASE_REPLICA_URL is not set")
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_city_export_job_reads_the_figures_from_the_replica(pejabat_client, settings):
    settings.REPLICA_READS = True
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = pejabat_client.get("/laporan/ekspor/xlsx/?tahun=2023")
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == Job.Status.DONE
    # The report's scans went to the replica although the job wrote its own row first.
    assert len(on_replica) >= 3
    assert not any("umkm_business" in q["sql"] for q in on_primary.captured_queries)
