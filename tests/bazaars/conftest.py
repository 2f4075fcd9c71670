import pytest


@pytest.fixture(autouse=True)
def _food_rule_off(request, settings):
    """The food-certificate rule is on in the product; tests about other rules switch it off so
    their Kuliner factories need no certificate. Tests of the rule mark `food_rule`."""
    if request.node.get_closest_marker("food_rule") is None:
        settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = False
