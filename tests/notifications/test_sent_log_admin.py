"""The sent-log in admin grows with every code and reminder: its list builds no filter from the
whole table (no SELECT DISTINCT, no date hierarchy) and counts its rows once."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_the_sent_log_list_reads_no_distinct_and_counts_once(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            notify(channel="email", to=f"a{n}@example.org", body="Halo", kind=f"uji_{n % 2}")
    root = get_user_model().objects.create_superuser("akar", "akar@example.org", "x" * 20)
    client.force_login(root)
    url = reverse("admin:notifications_delivery_changelist")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    table = '"notifications_delivery"'
    sql = [q["sql"] for q in queries if table in q["sql"]]
    assert not [q for q in sql if "DISTINCT" in q.upper()], sql
    assert len([q for q in sql if re.search(r"COUNT\(\*\)", q)]) <= 1, sql
    assert page.context["cl"].result_count == 3
    found = client.get(url + "?q=uji_1")
    assert found.context["cl"].result_count == 1
