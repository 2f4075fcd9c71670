import pytest


@pytest.fixture(autouse=True)
def _certificate_types(request):
    """Transactional tests flush the migrated certificate types: put them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        from certifications.reference import ensure_types

        ensure_types()
