import pytest


@pytest.fixture(autouse=True)
def _food_rule_off(settings):
    """The drills put businesses in bazaars; the food-certificate rule is tested elsewhere."""
    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = False
