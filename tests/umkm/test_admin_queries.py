"""A superuser's admin lists never load its groups: the read-only (Pejabat) rule asks
`is_superuser` first. The bench of issue 12 found the extra query on every changelist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import BusinessFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/umkm/business/", "/admin/certifications/certificatecase/"])
def test_superuser_lists_do_not_query_groups(client, url):
    BusinessFactory()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "auth_group" in q["sql"]]
