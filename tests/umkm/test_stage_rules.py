"""Stage rules as data: each event moves a business to the stage its rule names, says why,
and staff change the rules in the admin (umkm.services.stages)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bazaars import services as bazaar_services
from certifications import services as cert_services
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar
from tests.certifications.factories import submitted_case
from tests.factories import (
    BusinessFactory,
    TrainingFactory,
    admin_sudin,
    kelurahan,
    operator,
    sector,
)
from umkm import services
from umkm.models import Business, BusinessStage, Stage, StageEvent, StageRule

pytestmark = pytest.mark.django_db

GROGOL = "31.73.02.1002"


def _registered():
    """A business as the register creates it: at stage 1, Pendaftaran."""
    owner = services.owner_create(
        actor=SYSTEM,
        nik="3173024508900002",
        full_name="Ani Lestari",
        gender="P",
        kelurahan=kelurahan(GROGOL),
    ).obj
    return services.business_create(
        actor=SYSTEM,
        name="Keripik Ani",
        owner=owner,
        sector=sector(),
        kelurahan=kelurahan(GROGOL),
        binaan_since=datetime.date(2023, 2, 1),
    ).obj


def _codes(business):
    return set(
        BusinessStage.objects.filter(business=business).values_list("stage__code", flat=True)
    )


def test_the_seeded_rules_map_each_event_to_its_stage():
    rules = dict(StageRule.objects.values_list("event", "stage__code"))
    assert rules == {
        "training_passed": "pelatihan",
        "mentoring_report": "pendampingan",
        "licence_issued": "perizinan",
        "bazaar_attended": "pemasaran",
    }


def test_issuing_a_pirt_moves_the_business_to_perizinan_and_says_why():
    business = _registered()
    assert Business.objects.get(pk=business.pk).current_stage.code == "pendaftaran"
    case = submitted_case(business, "pirt")
    cert_services.case_transition(
        actor=SYSTEM,
        case=case,
        to_status="issued",
        number="206317301000128",
        issued_on=datetime.date(2024, 1, 5),
    )
    business.refresh_from_db()
    assert business.current_stage.code == "perizinan"
    record = BusinessStage.objects.get(business=business, stage__code="perizinan")
    assert record.reached_on == datetime.date(2024, 1, 5)
    assert record.rule.event == StageEvent.LICENCE_ISSUED
    assert record.cause_id == case.pk and "PIRT" in record.cause.upper()
    assert "Perizinan" in str(business.current_stage)


def test_a_mentoring_report_moves_the_business_to_pendampingan():
    business = _registered()
    services.mentoring_record(
        actor=SYSTEM,
        business=business,
        date=datetime.date(2023, 5, 10),
        topic="Keuangan",
        mentor=admin_sudin(),
    )
    record = BusinessStage.objects.get(business=business, stage__code="pendampingan")
    assert record.rule.event == "mentoring_report"
    assert record.cause_type.model == "mentoring"


def test_enrolling_does_not_reach_pelatihan_passing_does():
    business = _registered()
    training = TrainingFactory()
    enrolment = services.enrolment_create(actor=SYSTEM, training=training, business=business).obj
    assert "pelatihan" not in _codes(business)
    services.enrolment_update(actor=SYSTEM, enrolment=enrolment, passed=True)
    record = BusinessStage.objects.get(business=business, stage__code="pelatihan")
    assert record.reached_on == training.end_date
    assert record.cause_id == enrolment.pk


def test_a_bazaar_check_in_moves_the_business_to_pemasaran():
    fair = bazaar(days=[datetime.date(2023, 9, 25)])
    participation = accepted(fair, sector=sector("fesyen"))
    day = fair.days.get()
    bazaar_services.attendance_set(actor=SYSTEM, participation=participation, day=day)
    record = BusinessStage.objects.get(business=participation.business, stage__code="pemasaran")
    assert record.reached_on == datetime.date(2023, 9, 25)
    assert record.rule.event == "bazaar_attended"
    participation.business.refresh_from_db()
    assert participation.business.current_stage.code == "pemasaran"


def test_a_stage_is_reached_once_the_first_cause_stays():
    business = _registered()
    first = services.stage_event(
        actor=SYSTEM,
        business=business,
        event="mentoring_report",
        on=datetime.date(2023, 5, 1),
        cause="kunjungan pertama",
    )
    again = services.stage_event(
        actor=SYSTEM,
        business=business,
        event="mentoring_report",
        on=datetime.date(2023, 6, 1),
        cause="kunjungan kedua",
    )
    assert again is None
    assert BusinessStage.objects.get(pk=first.pk).cause == "kunjungan pertama"


def test_a_rule_staff_change_is_what_the_next_event_follows():
    business = _registered()
    rule = StageRule.objects.get(event="bazaar_attended")
    services.stage_rule_save(
        actor=admin_sudin(), rule=rule, stage=Stage.objects.get(code="permodalan")
    )
    services.stage_event(
        actor=SYSTEM, business=business, event="bazaar_attended", on=datetime.date(2023, 9, 25)
    )
    assert "permodalan" in _codes(business) and "pemasaran" not in _codes(business)
    services.stage_rule_save(actor=admin_sudin(), rule=rule, active=False)
    other = BusinessFactory()
    assert (
        services.stage_event(
            actor=SYSTEM, business=other, event="bazaar_attended", on=datetime.date(2023, 9, 25)
        )
        is None
    )


def test_an_operator_may_not_change_the_rules():
    rule = StageRule.objects.get(event="bazaar_attended")
    with pytest.raises(PermissionDenied):
        services.stage_rule_save(
            actor=operator(), rule=rule, stage=Stage.objects.get(code="permodalan")
        )
    assert StageRule.objects.get(pk=rule.pk).stage.code == "pemasaran"


def test_an_operator_may_not_move_a_business_of_another_kecamatan():
    elsewhere = BusinessFactory(kelurahan=kelurahan("31.73.01.1001"))
    with pytest.raises(PermissionDenied):
        services.stage_event(
            actor=operator("31.73.02"),
            business=elsewhere,
            event="mentoring_report",
            on=datetime.date(2023, 5, 1),
        )
    assert not BusinessStage.objects.filter(business=elsewhere).exists()


def test_admin_sudin_changes_a_rule_in_the_admin_and_the_business_page_shows_the_cause(client):
    client.force_login(admin_sudin())
    rule = StageRule.objects.get(event="licence_issued")
    url = reverse("admin:umkm_stagerule_change", args=[rule.pk])
    response = client.post(
        url,
        {
            "event": "licence_issued",
            "stage": Stage.objects.get(code="pemasaran").pk,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StageRule.objects.get(pk=rule.pk).stage.code == "pemasaran"
    business = _registered()
    services.mentoring_record(
        actor=SYSTEM,
        business=business,
        date=datetime.date(2023, 5, 10),
        topic="Keuangan",
        mentor=admin_sudin(),
    )
    page = client.get(reverse("admin:umkm_business_change", args=[business.pk]))
    text = page.content.decode()
    assert "Laporan pendampingan" in text  # the rule's event, in Indonesian
    assert "Keripik Ani — Mei 2023" in text  # and the monthly report that caused it
