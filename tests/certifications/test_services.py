import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from certifications import rules, services
from certifications.models import CaseTransition, CertificateCase
from config.actors import SYSTEM
from tests.certifications.factories import (
    VALID_NUMBERS,
    cert_type,
    issued_case,
    open_case,
    submitted_case,
)
from tests.factories import BusinessFactory, admin_sudin, kelurahan, operator

pytestmark = pytest.mark.django_db


def messages_of(exc_info, field):
    return " ".join(exc_info.value.message_dict[field])


def test_types_are_seeded_with_their_rules():
    halal, pirt, md, cosmetic, nib, mark = (
        cert_type(c) for c in ["halal", "pirt", "bpom-md", "bpom-kosmetik", "nib", "merek"]
    )
    assert (halal.validity, nib.validity, pirt.validity) == ("none", "none", "from_number")
    assert (md.validity_years, cosmetic.validity_years, mark.validity_years) == (5, 3, 10)
    assert pirt.per_product and not nib.per_product
    assert halal.is_food and pirt.is_food and not md.is_food
    assert "BPJPH" in halal.agency


def test_issue_without_number_is_refused():
    case = submitted_case(BusinessFactory())
    with pytest.raises(ValidationError) as exc_info:
        services.case_transition(
            actor=SYSTEM,
            case=case,
            to_status="issued",
            number="",
            issued_on=datetime.date(2024, 1, 5),
        )
    assert "Nomor sertifikat wajib diisi" in messages_of(exc_info, "number")
    case.refresh_from_db()
    assert case.status == "submitted"
    assert case.transitions.count() == 3


@pytest.mark.parametrize(
    ("code", "bad"),
    [
        ("pirt", "20631730100012"),  # 14 digits
        ("pirt", "2063173010001AB"),
        ("halal", "31110000123450623"),
        ("bpom-md", "ML224509001234"),
        ("bpom-kosmetik", "NA1823010012"),
        ("nib", "912000123456"),
        ("merek", "IDM00098765"),
    ],
)
def test_issue_with_malformed_number_is_refused(code, bad):
    case = submitted_case(BusinessFactory(), code)
    with pytest.raises(ValidationError) as exc_info:
        services.case_transition(
            actor=SYSTEM,
            case=case,
            to_status="issued",
            number=bad,
            issued_on=datetime.date(2024, 1, 5),
        )
    assert "number" in exc_info.value.message_dict
    assert CertificateCase.objects.get(pk=case.pk).status == "submitted"


@pytest.mark.parametrize(
    ("code", "number", "expires"),
    [
        ("halal", "ID 3111 0000 1234 50623", None),
        ("nib", "9120-0012-34567", None),
        ("bpom-md", "md 224509001234", datetime.date(2029, 1, 5)),
        ("bpom-kosmetik", "NA18230100123", datetime.date(2027, 1, 5)),
        ("merek", "IDM000987654", datetime.date(2034, 1, 5)),
        ("pirt", "P-IRT No. 2063173010001-29", datetime.date(2029, 1, 5)),
    ],
)
def test_issue_computes_expiry_from_the_type(code, number, expires):
    case = submitted_case(BusinessFactory(), code)
    services.case_transition(
        actor=SYSTEM,
        case=case,
        to_status="issued",
        number=number,
        issued_on=datetime.date(2024, 1, 5),
    )
    case.refresh_from_db()
    assert case.status == "issued"
    assert case.expires_on == expires
    assert not case.expiry_overridden
    assert case.number.isalnum()


def test_pirt_expiry_is_read_from_the_number():
    case = submitted_case(BusinessFactory(), "pirt")
    # Issued 2023 with digits 14-15 "27": expires in 2027 (not five years later, 2028).
    services.case_transition(
        actor=SYSTEM,
        case=case,
        to_status="issued",
        number="206317301000127",
        issued_on=datetime.date(2023, 6, 20),
    )
    case.refresh_from_db()
    assert case.expires_on == datetime.date(2027, 6, 20)


def test_pirt_number_expiring_before_issue_is_refused():
    case = submitted_case(BusinessFactory(), "pirt")
    with pytest.raises(ValidationError) as exc_info:
        services.case_transition(
            actor=SYSTEM,
            case=case,
            to_status="issued",
            number="206317301000122",
            issued_on=datetime.date(2023, 6, 20),
        )
    assert "2022" in messages_of(exc_info, "number")


def test_expiry_other_than_the_rule_without_reason_is_refused():
    case = submitted_case(BusinessFactory(), "bpom-md")
    with pytest.raises(ValidationError) as exc_info:
        services.case_transition(
            actor=SYSTEM,
            case=case,
            to_status="issued",
            number=VALID_NUMBERS["bpom-md"],
            issued_on=datetime.date(2024, 1, 5),
            expires_on=datetime.date(2030, 1, 5),
        )
    assert "05/01/2029" in messages_of(exc_info, "expiry_override_reason")
    assert CertificateCase.objects.get(pk=case.pk).status == "submitted"


def test_expiry_other_than_the_rule_with_reason_is_recorded():
    case = submitted_case(BusinessFactory(), "bpom-md")
    services.case_transition(
        actor=SYSTEM,
        case=case,
        to_status="issued",
        number=VALID_NUMBERS["bpom-md"],
        issued_on=datetime.date(2024, 1, 5),
        expires_on=datetime.date(2028, 12, 31),
        expiry_override_reason="Tanggal tertera di sertifikat.",
    )
    case.refresh_from_db()
    assert case.expires_on == datetime.date(2028, 12, 31)
    assert case.expiry_overridden
    assert case.expiry_override_reason == "Tanggal tertera di sertifikat."


def test_expiry_given_equal_to_the_rule_needs_no_reason():
    case = submitted_case(BusinessFactory(), "nib")
    services.case_transition(
        actor=SYSTEM,
        case=case,
        to_status="issued",
        number=VALID_NUMBERS["nib"],
        issued_on=datetime.date(2024, 1, 5),
        expires_on=None,
    )
    case.refresh_from_db()
    assert case.expires_on is None and not case.expiry_overridden


def test_database_refuses_issued_without_number():
    case = issued_case(BusinessFactory(), "nib")
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateCase.objects.filter(pk=case.pk).update(number="")


def test_database_refuses_override_without_reason():
    case = issued_case(BusinessFactory(), "nib")
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateCase.objects.filter(pk=case.pk).update(expiry_overridden=True)


def test_disallowed_transition_is_refused_with_a_message():
    case = open_case(BusinessFactory(), "halal")
    with pytest.raises(ValidationError) as exc_info:
        services.case_transition(
            actor=SYSTEM,
            case=case,
            to_status="issued",
            number=VALID_NUMBERS["halal"],
            issued_on=datetime.date(2024, 1, 5),
        )
    assert messages_of(exc_info, "to_status") == (
        'Kasus berstatus "Dibutuhkan" tidak dapat menjadi "Terbit".'
    )
    case.refresh_from_db()
    assert case.status == "needed"
    assert case.transitions.count() == 1


def test_rejected_case_cannot_move_again():
    case = open_case(BusinessFactory(), "halal")
    services.case_transition(actor=SYSTEM, case=case, to_status="rejected", note="Tidak memenuhi.")
    with pytest.raises(ValidationError):
        services.case_transition(actor=SYSTEM, case=case, to_status="referred")


def test_rejection_needs_a_note():
    case = open_case(BusinessFactory(), "halal")
    with pytest.raises(ValidationError) as exc_info:
        services.case_transition(actor=SYSTEM, case=case, to_status="rejected")
    assert "note" in exc_info.value.message_dict
    assert CertificateCase.objects.get(pk=case.pk).status == "needed"


def test_transitions_are_recorded_with_who_when_and_note():
    staff = admin_sudin()
    case = open_case(BusinessFactory(), "pirt", actor=staff)
    services.case_transition(actor=staff, case=case, to_status="referred", note="Surat 12/2024")
    services.case_transition(actor=staff, case=case, to_status="submitted")
    services.case_transition(
        actor=staff,
        case=case,
        to_status="issued",
        number=VALID_NUMBERS["pirt"],
        issued_on=datetime.date(2023, 3, 15),
    )
    history = list(case.transitions.order_by("at", "id"))
    assert [(t.from_status, t.to_status) for t in history] == [
        ("", "needed"),
        ("needed", "referred"),
        ("referred", "submitted"),
        ("submitted", "issued"),
    ]
    assert {t.by for t in history} == {staff}
    assert history[1].note == "Surat 12/2024"
    assert history[3].number == VALID_NUMBERS["pirt"]
    assert history[3].expires_on == datetime.date(2028, 3, 15)
    assert all(t.at is not None for t in history)


def test_renewal_clears_the_case_and_keeps_the_old_certificate_in_history():
    case = issued_case(BusinessFactory(), "bpom-kosmetik", issued_on=datetime.date(2023, 12, 1))
    services.case_transition(actor=SYSTEM, case=case, to_status="submitted", note="Perpanjangan")
    case.refresh_from_db()
    assert (case.status, case.number, case.expires_on) == ("submitted", "", None)
    issued = case.transitions.get(to_status="issued")
    assert issued.number == VALID_NUMBERS["bpom-kosmetik"]
    assert issued.expires_on == datetime.date(2026, 12, 1)


def test_one_open_case_per_business_type_and_product():
    business = BusinessFactory()
    open_case(business, "halal")
    with pytest.raises(ValidationError):
        open_case(business, "halal")
    # Per product for PIRT: a second product is its own case.
    open_case(business, "pirt", product="Keripik singkong")
    open_case(business, "pirt", product="Sambal bawang")
    with pytest.raises(ValidationError):
        open_case(business, "pirt", product="Sambal bawang")
    assert CertificateCase.objects.filter(business=business).count() == 3


def test_rejected_case_does_not_block_a_new_one():
    business = BusinessFactory()
    case = open_case(business, "halal")
    services.case_transition(actor=SYSTEM, case=case, to_status="rejected", note="Ditolak")
    again = open_case(business, "halal")
    assert again.pk != case.pk


def test_pirt_case_needs_its_product():
    with pytest.raises(ValidationError) as exc_info:
        services.case_open(
            actor=SYSTEM, business=BusinessFactory(), cert_type=cert_type("pirt"), product=" "
        )
    assert "product" in exc_info.value.message_dict


def test_operator_of_another_kecamatan_cannot_act_and_nothing_changes():
    business = BusinessFactory(kelurahan=kelurahan("31.73.02.1002"))
    case = open_case(business, "halal")
    stranger = operator("31.73.01")
    with pytest.raises(PermissionDenied):
        services.case_transition(actor=stranger, case=case, to_status="referred")
    with pytest.raises(PermissionDenied):
        open_case(business, "nib", actor=stranger)
    assert CertificateCase.objects.get(pk=case.pk).status == "needed"
    assert CaseTransition.objects.filter(case__business=business).count() == 1


def test_operator_of_the_kecamatan_can_act():
    business = BusinessFactory(kelurahan=kelurahan("31.73.02.1002"))
    case = open_case(business, "halal")
    services.case_transition(actor=operator("31.73.02"), case=case, to_status="referred")
    assert CertificateCase.objects.get(pk=case.pk).status == "referred"


def test_refer_in_bulk_skips_cases_not_needed():
    needed = open_case(BusinessFactory(), "halal")
    submitted = submitted_case(BusinessFactory(), "halal")
    outcome = services.cases_refer(actor=SYSTEM, cases=[needed, submitted])
    assert outcome.done == [needed] and outcome.skipped == [submitted]
    assert CertificateCase.objects.get(pk=needed.pk).status == rules.REFERRED
    assert CertificateCase.objects.get(pk=submitted.pk).status == rules.SUBMITTED


def test_case_follows_its_business_to_another_kecamatan():
    business = BusinessFactory(kelurahan=kelurahan("31.73.02.1002"))
    case = open_case(business, "halal")
    assert case.kecamatan_id == "31.73.02"
    business.kelurahan = kelurahan("31.73.01.1001")
    business.save()
    case.refresh_from_db()
    assert case.kecamatan_id == "31.73.01"


def test_database_sets_the_case_kecamatan_whatever_writes_it():
    business = BusinessFactory(kelurahan=kelurahan("31.73.01.1001"))
    case = CertificateCase.objects.create(
        business=business, kecamatan_id="31.73.05", type=cert_type("nib")
    )
    case.refresh_from_db()
    assert case.kecamatan_id == "31.73.01"
    CertificateCase.objects.filter(pk=case.pk).update(kecamatan_id="31.73.05")
    case.refresh_from_db()
    assert case.kecamatan_id == "31.73.01"


def test_add_years_from_29_february_lands_on_28_february():
    # The rule (certifications.rules.add_years): the same day and month, and where that day
    # does not exist (29 February in a common year), the last day of February, never March.
    assert rules.add_years(datetime.date(2024, 2, 29), 5) == datetime.date(2029, 2, 28)
    assert rules.add_years(datetime.date(2024, 2, 29), 4) == datetime.date(2028, 2, 29)
    assert rules.add_years(datetime.date(2024, 3, 1), 5) == datetime.date(2029, 3, 1)


def test_certificate_issued_on_29_february_expires_on_28_february():
    case = submitted_case(BusinessFactory(), "bpom-md", actor=SYSTEM)
    services.case_transition(
        actor=SYSTEM,
        case=case,
        to_status="issued",
        number=VALID_NUMBERS["bpom-md"],
        issued_on=datetime.date(2024, 2, 29),
    )
    case.refresh_from_db()
    assert case.expires_on == datetime.date(2029, 2, 28)
