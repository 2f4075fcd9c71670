import io
import itertools
from collections import defaultdict

import pytest
from django.utils import timezone

from certifications import demo, rules
from certifications.models import CaseTransition, CertificateCase
from tests.factories import BusinessFactory, sector
from umkm.demo import seed_register

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
    for case in CertificateCase.objects.select_related("type").filter(status="issued"):
        assert case.type.validate_number(case.number) == case.number
        assert case.expires_on == case.type.computed_expiry(
            number=case.number, issued_on=case.issued_on
        )
    assert "certificate cases" in out.getvalue()
    count = CertificateCase.objects.count()
    demo.seed(businesses=140, seed=2023, stdout=out)  # a second run adds nothing
    assert CertificateCase.objects.count() == count


def test_demo_cases_have_real_timelines():
    seed_register(businesses=1200, seed=4, stdout=io.StringIO())
    demo.seed(businesses=1200, seed=4, stdout=io.StringIO())
    today = timezone.localdate()
    transitions = defaultdict(list)
    for t in CaseTransition.objects.order_by("case_id", "at", "id"):
        transitions[t.case_id].append(t)
    cases = list(CertificateCase.objects.select_related("business"))
    assert len(cases) > 1000
    renewed = 0
    for case in cases:
        steps = transitions[case.pk]
        # In date order, each one allowed from the one before, the last one the case's status.
        assert steps, case.pk
        assert [t.at for t in steps] == sorted(t.at for t in steps)
        assert steps[0].from_status == ""
        for before, after in itertools.pairwise(steps):
            assert after.from_status == before.to_status
            assert rules.transition_allowed(after.from_status, after.to_status)
        assert steps[-1].to_status == case.status
        assert case.status_changed_at == steps[-1].at
        assert case.business.binaan_since <= timezone.localdate(steps[0].at) <= today
        assert all(t.note for t in steps if t.to_status == "rejected")
        if case.status == "issued":
            last = steps[-1]
            assert (last.number, last.issued_on, last.expires_on) == (
                case.number,
                case.issued_on,
                case.expires_on,
            )
            assert timezone.localdate(last.at) == case.issued_on
        renewed += sum(1 for t in steps if t.from_status == "issued")
    assert renewed > 10
    # Some expired, some expiring within 30 days, some still in process.
    assert CertificateCase.objects.expired_on(today).count() > 20
    assert CertificateCase.objects.expiring_within(30, on=today).exists()
    assert CertificateCase.objects.in_process().exists()
    # Old cases are decided; the recent ones are the ones in process.
    old = CertificateCase.objects.filter(created_at__year__lte=today.year - 3)
    assert old.filter(status__in=["issued", "rejected"]).count() > 0.8 * old.count()
