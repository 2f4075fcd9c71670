import io

import pytest
from django.utils import timezone

from certifications import demo
from certifications.models import CaseTransition, CertificateCase
from tests.factories import BusinessFactory, sector

pytestmark = pytest.mark.django_db


def test_demo_seeder_builds_a_realistic_mix():
    BusinessFactory.create_batch(120)
    BusinessFactory.create_batch(20, sector=sector("parfum"))
    out = io.StringIO()
    demo.seed(businesses=140, seed=2023, stdout=out)
    statuses = set(CertificateCase.objects.values_list("status", flat=True))
    assert statuses == {"needed", "referred", "submitted", "issued", "rejected"}
    codes = set(CertificateCase.objects.values_list("type__code", flat=True))
    assert {"pirt", "halal", "nib", "bpom-kosmetik"} <= codes
    assert CertificateCase.objects.expiring_within(30, on=timezone.localdate()).exists()
    for case in CertificateCase.objects.select_related("type").filter(status="issued"):
        assert case.type.validate_number(case.number) == case.number
        assert case.expires_on == case.type.computed_expiry(
            number=case.number, issued_on=case.issued_on
        )
    last = CaseTransition.objects.filter(case__status="issued").order_by("case", "-at")
    assert all(t.case.transitions.count() == 4 for t in last[:20])
    assert "certificate cases" in out.getvalue()
    count = CertificateCase.objects.count()
    demo.seed(businesses=140, seed=2023, stdout=out)  # a second run adds nothing
    assert CertificateCase.objects.count() == count
