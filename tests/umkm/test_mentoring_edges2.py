"""Edges of mentoring (umkm/services/mentoring.py) that the mutation benchmark found untested:
a first session records the "pendampingan" stage, and an operator of another kecamatan may not
correct a session."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from config.actors import SYSTEM
from tests.factories import BusinessFactory, MentoringFactory, admin_sudin, operator
from umkm import services
from umkm.models import BusinessStage, Mentoring

pytestmark = pytest.mark.django_db


def test_mentoring_record_first_session_records_the_pendampingan_stage():
    business = BusinessFactory()
    services.mentoring_record(
        actor=admin_sudin(),
        business=business,
        date=datetime.date(2024, 2, 5),
        topic="Pencatatan keuangan",
    )
    reached = BusinessStage.objects.filter(business=business).values_list(
        "stage__code", "reached_on"
    )
    assert list(reached) == [("pendampingan", datetime.date(2024, 2, 5))]


def test_mentoring_update_by_operator_of_another_kecamatan_is_refused():
    session = MentoringFactory(business=BusinessFactory(), topic="Pencatatan keuangan")
    with pytest.raises(PermissionDenied):
        services.mentoring_update(actor=operator("31.73.01"), session=session, topic="Topik lain")
    assert Mentoring.objects.get(pk=session.pk).topic == "Pencatatan keuangan"


def test_mentoring_update_by_system_corrects_the_topic():
    session = MentoringFactory(business=BusinessFactory(), topic="Pencatatan keuangan")
    services.mentoring_update(actor=SYSTEM, session=session, topic="Pemasaran")
    assert Mentoring.objects.get(pk=session.pk).topic == "Pemasaran"
