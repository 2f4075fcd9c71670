"""An official follows a background export on its page: the progress bar is refreshed by the
static script (no inline script, the CSP holds) and the download appears when the worker is
done, without reloading the page."""

from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from jobs.services import job_start
from tests.e2e.helpers import login_admin, screenshot, visit
from tests.factories import pejabat

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=DATABASE_TASKS)
def test_job_page_updates_itself_when_the_worker_finishes(laptop_page):
    user = pejabat(username="rudi")
    job = job_start(
        requested_by=user,
        kind="test-export",
        title="Ekspor laporan kota",
        runner="tests.jobs.runners.csv_export",
        params={"rows": 4},
    )
    page = laptop_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and errors.append(message.text),
    )
    login_admin(page, "rudi", "kata-sandi-uji-123")

    visit(page, job.get_absolute_url())
    expect(page.locator("#job-status")).to_have_text("Menunggu")
    expect(page.locator("#job-progress")).to_have_attribute("value", "0")
    expect(page.get_by_role("link", name="Unduh berkas")).to_be_hidden()
    screenshot(page, "job-waiting")

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    expect(page.locator("#job-status")).to_have_text("Selesai")
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    link = page.get_by_role("link", name="Unduh berkas")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "ekspor-uji.csv"
    assert errors == []  # no script error, no CSP violation
    screenshot(page, "job-done")
