"""One eligibility rule: the answer for one business (`check`), the queryset filter
(`eligible_businesses`) and the participation admin's bulk column agree for every condition."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from bazaars import eligibility, services
from bazaars.models import Participation
from config.actors import SYSTEM
from tests.bazaars.factories import bazaar, eligible_business
from tests.certifications.factories import issued_case, open_case
from tests.factories import BusinessFactory, EnrolmentFactory, admin_sudin, sector

pytestmark = pytest.mark.django_db

NOT_ACTIVE = "Usaha tidak aktif."
NO_TRAINING = "Usaha belum lulus pelatihan apa pun."
NO_FOOD_CERTIFICATE = (
    "Usaha pangan wajib memiliki sertifikat PIRT atau halal, terbit atau sedang diproses."
)


def _cases(food_rule: bool) -> dict[str, tuple]:
    """name -> (business, the reasons it must be refused with); one per failing condition,
    each combination of them, and the eligible kinds."""
    fesyen, kuliner = sector("fesyen"), sector("kuliner")
    failed = BusinessFactory(sector=fesyen)
    EnrolmentFactory(business=failed, owner=failed.owner, passed=False, attended=True)
    certified = eligible_business(sector=kuliner)
    issued_case(certified, "pirt")  # the factory names its own actor
    case_opened = eligible_business(sector=kuliner)
    open_case(case_opened, "halal", actor=SYSTEM)
    food = [NO_FOOD_CERTIFICATE] if food_rule else []
    return {
        "eligible": (eligible_business(sector=fesyen), []),
        "not active": (eligible_business(sector=fesyen, status="nonaktif"), [NOT_ACTIVE]),
        "moved up is not active": (eligible_business(sector=fesyen, status="naik_kelas"), None),
        "no training": (BusinessFactory(sector=fesyen), [NO_TRAINING]),
        "failed its training": (failed, [NO_TRAINING]),
        "food without certificate": (eligible_business(sector=kuliner), food),
        "food with an issued PIRT": (certified, []),
        "food with a case just opened": (case_opened, None),  # whatever the rule says: agree
        "everything wrong": (
            BusinessFactory(sector=kuliner, status="nonaktif"),
            [NOT_ACTIVE, NO_TRAINING, *food],
        ),
    }


@pytest.mark.food_rule
@pytest.mark.parametrize("food_rule", [True, False], ids=["food rule on", "food rule off"])
def test_check_and_eligible_businesses_agree_on_every_condition(settings, food_rule):
    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = food_rule
    cases = _cases(food_rule)
    eligible_ids = set(eligibility.eligible_businesses().values_list("pk", flat=True))
    for name, (business, expected_reasons) in cases.items():
        result = eligibility.check(business)
        assert result.eligible == (business.pk in eligible_ids), name
        assert result.eligible == (not result.reasons), name
        if expected_reasons is not None:
            assert [str(r) for r in result.reasons] == expected_reasons, name
    assert {n for n, (b, _r) in cases.items() if b.pk in eligible_ids} >= {
        "eligible",
        "food with an issued PIRT",
    }


@pytest.mark.food_rule
@pytest.mark.parametrize("food_rule", [True, False], ids=["food rule on", "food rule off"])
def test_participation_admin_column_agrees_with_check(settings, food_rule):
    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = food_rule
    cases = _cases(food_rule)
    b = bazaar(booths=20)
    for business, _reasons in cases.values():
        services.participation_apply(actor=SYSTEM, bazaar=b, business=business)
    request = RequestFactory().get("/admin/bazaars/participation/")
    request.user = admin_sudin()
    model_admin = site._registry[Participation]
    shown = {p.business_id: model_admin.eligibility(p) for p in model_admin.get_queryset(request)}
    for name, (business, _reasons) in cases.items():
        assert shown[business.pk] == str(eligibility.check(business)), name
