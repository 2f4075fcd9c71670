import pytest


@pytest.fixture(autouse=True)
def _food_rule_off(request, settings):
    """The food-certificate rule is on in the product; tests about other rules switch it off so
    their Kuliner factories need no certificate. Tests of the rule mark `food_rule`."""
    if request.node.get_closest_marker("food_rule") is None:
        settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = False


@pytest.fixture
def shared_cache(settings, tmp_path):
    """As production keeps pages: a cache shared by the processes, for the hour (local memory
    is per process)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
