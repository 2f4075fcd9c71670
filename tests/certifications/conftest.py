import pytest


@pytest.fixture(autouse=True)
def _certificate_types(request):
    """Transactional tests flush the migrated certificate types: put them back."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        from certifications.reference import ensure_types

        ensure_types()
