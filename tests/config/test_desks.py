"""A desk (a non-staff role's URL namespace) is guarded by its own rule, by the middleware."""

import pytest
from django.http import HttpResponse, HttpResponseForbidden
from django.test import RequestFactory
from django.urls import ResolverMatch

from config.access import DESKS, Desk, StaffAccessMiddleware, register_desk


@pytest.fixture
def desk():
    calls = []
    d = Desk(
        namespace="testdesk",
        allows=lambda user: getattr(user, "desk_ok", False),
        refuse=lambda request: calls.append(request) or HttpResponseForbidden("no"),
    )
    register_desk(d)
    yield calls
    DESKS.pop("testdesk")


def _request(namespace, user):
    request = RequestFactory().get("/x/")
    request.user = user
    request.resolver_match = ResolverMatch(
        func=lambda r: HttpResponse(), args=(), kwargs={}, url_name="page", namespaces=[namespace]
    )
    return request


class _User:
    is_authenticated = True
    is_active = True
    is_staff = False

    def __init__(self, desk_ok):
        self.desk_ok = desk_ok


def test_a_desk_view_answers_only_to_its_rule(desk):
    middleware = StaffAccessMiddleware(lambda r: HttpResponse())
    allowed = _request("testdesk", _User(desk_ok=True))
    assert middleware.process_view(allowed, None, (), {}) is None
    refused = _request("testdesk", _User(desk_ok=False))
    assert middleware.process_view(refused, None, (), {}).status_code == 403
    assert desk == [refused]


def test_a_desk_user_is_not_let_into_staff_pages(desk):
    middleware = StaffAccessMiddleware(lambda r: HttpResponse())
    request = _request("reports", _User(desk_ok=True))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        middleware.process_view(request, None, (), {})
