"""Consent to a public profile is dated; withdrawing it clears the date."""

import pytest

from tests.factories import BusinessFactory, admin_sudin
from umkm import services
from umkm.models import Business

pytestmark = pytest.mark.django_db


def test_giving_consent_dates_it_and_withdrawing_consent_clears_its_date():
    business = BusinessFactory(public_consent=False, public_consent_at=None)
    actor = admin_sudin()

    services.business_update(actor=actor, business=business, public_consent=True)
    given = Business.objects.get(pk=business.pk)
    assert given.public_consent and given.public_consent_at is not None

    services.business_update(actor=actor, business=given, public_consent=False)
    withdrawn = Business.objects.get(pk=business.pk)
    assert (withdrawn.public_consent, withdrawn.public_consent_at) == (False, None)
    assert withdrawn not in Business.objects.listed_publicly()


def test_saving_again_with_consent_keeps_the_date_it_was_given():
    business = BusinessFactory(public_consent=False, public_consent_at=None)
    actor = admin_sudin()
    services.business_update(actor=actor, business=business, public_consent=True)
    given_at = Business.objects.get(pk=business.pk).public_consent_at

    services.business_update(actor=actor, business=business, public_consent=True, name="Baru")
    assert Business.objects.get(pk=business.pk).public_consent_at == given_at
