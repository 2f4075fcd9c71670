"""Staff pages for assistive technology: axe-core over every page of every admin (walked from
admin.site._registry: its list, its add form and the change form of a real object), plus the
trainee quick entry and the bazaar check-in page; no serious or critical violation anywhere.
The quick-entry grid fits a 1366 px screen, and its inputs and every tabular inline's are named
per row ("Nama usaha, baris 3")."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.e2e.helpers import SERIOUS, login_admin, visit
from tests.factories import UserFactory
from tests.security.test_admin_doors import world  # noqa: F401  (the fixture: one of everything)

PASSWORD = "kata-sandi-uji-123"


def _axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in SERIOUS:
            continue
        lines.append(
            f"{page.url}: {violation['id']} ({violation['impact']}) x{len(violation['nodes'])}"
        )
        for node in violation["nodes"][:3]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:140]}")
    return lines


def _more_world():
    """What the doors' world (tests/security/test_admin_doors.py) lacks for this walk."""
    # Kept only with AXES_ENABLE_ACCESS_FAILURE_LOG (off): one row by hand for its admin.
    from axes.models import AccessFailureLog

    AccessFailureLog.objects.create(
        username="tamu", ip_address="127.0.0.1", user_agent="uji", path_info="/admin/login/"
    )
    # A message the portal sent (its sent-log admin), through the one door that writes it.
    from django.db import transaction

    from notifications.services import notify

    with transaction.atomic():
        notify(channel="email", to="siti@example.org", subject="Uji", body="Uji", kind="uji")


def _admin_pages(user) -> list[str]:
    """Every admin's list, add form (where it has one) and the change form of its first object."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{name}_add"))
        obj = model_admin.get_queryset(request).order_by("pk").first()
        assert obj is not None, f"no {opts.label} to open: the world needs one"
        pages.append(reverse(f"{name}_change", args=[obj.pk]))
    return pages


@pytest.mark.django_db(transaction=True)
def test_every_admin_page_has_no_serious_accessibility_violation(open_page, world):  # noqa: F811
    from bazaars.models import Bazaar

    _more_world()
    bazaar = Bazaar.objects.get(title="Bazar Uji Pintu")
    root = UserFactory(username="akar-akses", is_superuser=True, is_staff=True)
    page = open_page("desktop")
    # A refused sign-in (of another name: a success clears the user's attempts) gives the
    # lockout admins (axes) a record to open.
    visit(page, "/admin/login/")
    page.locator("input[name=username]").fill("tamu-salah")
    page.locator("input[name=password]").fill("salah-sandi-sekali")
    page.locator("#login-form [type=submit]").click()
    login_admin(page, root.username, PASSWORD)
    _ensure_task_result()

    from umkm.models import Training

    training = Training.objects.order_by("pk").first()
    day = bazaar.days.order_by("date").first()
    pages = [
        *_admin_pages(root),
        reverse("admin:umkm_training_trainees", args=[training.pk]),
        reverse("admin:bazaars_bazaar_day", args=[bazaar.pk, day.pk]),
    ]
    problems = []
    for path in pages:
        visit(page, path)
        problems += _axe_problems(page)
    assert not problems, f"{len(problems)} lines over {len(pages)} pages:\n" + "\n".join(problems)


def _ensure_task_result():
    """A waiting background task (the jobs' queue), so that its admin has a row to open."""
    from jobs.services import run_job

    run_job.enqueue("00000000-0000-0000-0000-000000000000")
