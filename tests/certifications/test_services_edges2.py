"""Edges of the certificate services (certifications/services.py) that the mutation benchmark
found untested on the merged issue-12 code: an unknown halal route, and an overridden expiry on
the issue date itself."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from certifications import services
from certifications.models import CertificateCase
from config.actors import SYSTEM
from tests.certifications.factories import VALID_NUMBERS, cert_type, submitted_case
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def test_case_open_with_an_unknown_halal_route_is_refused_naming_the_route():
    with pytest.raises(ValidationError) as exc:
        services.case_open(
            actor=SYSTEM,
            business=BusinessFactory(),
            cert_type=cert_type("halal"),
            product="Keripik singkong",
            halal_route="kilat",
        )
    assert exc.value.message_dict == {"halal_route": ["Jalur halal tidak dikenal."]}
    assert not CertificateCase.objects.exists()


def test_overridden_expiry_on_the_issue_date_itself_is_refused():
    case = submitted_case(BusinessFactory(), "bpom-md")
    with pytest.raises(ValidationError) as exc:
        services.case_transition(
            actor=SYSTEM,
            case=case,
            to_status="issued",
            number=VALID_NUMBERS["bpom-md"],
            issued_on=datetime.date(2024, 1, 5),
            expires_on=datetime.date(2024, 1, 5),
            expiry_override_reason="Tanggal tertera di sertifikat.",
        )
    assert exc.value.message_dict == {
        "expires_on": ["Tanggal berakhir harus sesudah tanggal terbit."]
    }
    assert CertificateCase.objects.get(pk=case.pk).status == "submitted"


def test_case_transition_returns_the_case_as_saved():
    case = submitted_case(BusinessFactory(), "nib")
    moved = services.case_transition(
        actor=SYSTEM,
        case=case,
        to_status="issued",
        number=VALID_NUMBERS["nib"],
        issued_on=datetime.date(2024, 1, 5),
    )
    saved = CertificateCase.objects.get(pk=case.pk)
    assert (moved.pk, moved.status, moved.number) == (saved.pk, "issued", saved.number)


def test_case_record_issued_keeps_its_note_trimmed():
    case = services.case_record_issued(
        actor=SYSTEM,
        business=BusinessFactory(),
        cert_type=cert_type("nib"),
        number=VALID_NUMBERS["nib"],
        issued_on=datetime.date(2023, 3, 15),
        note="  Sertifikat lama dari OSS ",
    )
    assert CertificateCase.objects.get(pk=case.pk).note == "Sertifikat lama dari OSS"
