"""UU 27/2022 (PDP): the data subject's right of access and erasure.

`subject_access_export` gathers everything held about one owner with its processing history;
each app contributes a section through settings.PDP_SECTIONS (dotted paths of
`section(owner) -> dict`), so that bazaars and certificates join without this module importing
them. `anonymise_owner` removes the personal data while the records that feed statistics
(kecamatan, sector, cohort year, trainings, sales) stay.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from umkm.audit import record_personal_data_access
from umkm.crypto import encrypt_nik, nik_blind_index
from umkm.models import (
    Business,
    BusinessState,
    Mentoring,
    Owner,
    PersonalDataAccess,
)
from umkm.signals import send_public_listing_withdrawn


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _history(qs) -> list[dict]:
    rows = []
    for record in qs.order_by("history_date"):
        rows.append(
            {
                "date": record.history_date.isoformat(),
                "type": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                "by": record.history_user.get_username() if record.history_user else None,
                "reason": record.history_change_reason,
            }
        )
    return rows


def register_section(owner: Owner) -> dict:
    businesses = list(owner.businesses.select_related("sector", "kelurahan__kecamatan"))
    return {
        "owner": {
            "id": owner.pk,
            "full_name": owner.full_name,
            "nik": owner.nik,
            "gender": owner.get_gender_display(),
            "birth_date": _jsonable(owner.birth_date),
            "phone": owner.phone,
            "email": owner.email,
            "home_address": owner.address,
            "home_kelurahan": owner.kelurahan.name,
            "registered_at": _jsonable(owner.created_at),
            "history": _history(owner.history.all()),
        },
        "businesses": [
            {
                "id": b.pk,
                "name": b.name,
                "sector": b.sector.name,
                "products": b.products,
                "kelurahan": b.kelurahan.name,
                "kecamatan": b.kelurahan.kecamatan.name,
                "address": b.address,
                "description": b.description,
                "opening_hours": b.opening_hours,
                "whatsapp": b.whatsapp,
                "whatsapp_public": b.whatsapp_public,
                "photo": bool(b.photo),
                "links": {link.kind: link.url for link in b.links.all()},
                "photos": [
                    {"caption": p.caption, "added_at": _jsonable(p.created_at)}
                    for p in b.photos.all()
                ],
                "nib": b.nib,
                "kbli": b.kbli,
                "yearly_omzet": b.yearly_omzet,
                "capital": b.capital,
                "status": b.get_status_display(),
                "mentored_since": _jsonable(b.binaan_since),
                "public_consent": b.public_consent,
                "public_consent_at": _jsonable(b.public_consent_at),
                "stages": [
                    {"stage": s.stage.name, "reached_on": _jsonable(s.reached_on)}
                    for s in b.stages.select_related("stage")
                ],
                "mentoring": [
                    {
                        "date": _jsonable(m.date),
                        "topic": m.topic,
                        "notes": m.notes,
                        "monthly_omzet": m.monthly_omzet,
                        "photo": bool(m.photo),
                    }
                    for m in b.mentorings.all()
                ],
                "states": [
                    {
                        "from": _jsonable(st.valid.lower) if st.valid.lower else None,
                        "until": _jsonable(st.valid.upper) if st.valid.upper else None,
                        "status": st.get_status_display(),
                        "public_consent": st.public_consent,
                        "reason": st.reason,
                    }
                    for st in b.states.all()
                ],
                "history": _history(b.history.all()),
            }
            for b in businesses
        ],
        "trainings": [
            {
                "training": e.training.title,
                "start_date": _jsonable(e.training.start_date),
                "attended": e.attended,
                "passed": e.passed,
                "score": float(e.score) if e.score is not None else None,
            }
            for e in owner.enrolments.select_related("training")
        ],
    }


def processing_log_section(owner: Owner) -> dict:
    return {
        "processing_log": [
            {
                "at": a.at.isoformat(),
                "by": a.actor,
                "action": a.get_action_display(),
                "purpose": a.purpose,
            }
            for a in PersonalDataAccess.objects.filter(owner=owner).order_by("at")
        ]
    }


def subject_access_export(owner: Owner, *, requested_by: str, purpose: str) -> dict:
    record_personal_data_access(
        owner=owner,
        action=PersonalDataAccess.Action.SUBJECT_ACCESS,
        purpose=purpose,
        actor=requested_by,
    )
    data = {
        "generated_at": timezone.now().isoformat(),
        "controller": settings.OFFICE_NAME,
        "legal_basis": "UU 27/2022 Pelindungan Data Pribadi, hak akses subjek data",
    }
    for dotted in settings.PDP_SECTIONS:
        data.update(import_string(dotted)(owner))
    return data


ANONYMOUS_NAME = "Anonim"


def _delete_public_files(names) -> None:
    """Files of public images an earlier version of a row named (and their sizes)."""
    from django.core.files.storage import default_storage

    from config.images import VARIANTS, is_clean_name, variant_name

    for name in names:
        if is_clean_name(name):
            for variant in VARIANTS:
                default_storage.delete(variant_name(name, variant))
        default_storage.delete(name)


@transaction.atomic
def anonymise_owner(*, owner: Owner, requested_by: str, purpose: str) -> Owner:
    """Remove NIK, name, contact data, home address and identifying business details.

    Kept for statistics: gender, home kelurahan, each business's sector, kelurahan, cohort,
    status, scale, omzet figures, trainings, mentoring dates and omzet, bazaar records.
    Gone with the person: the business's public text (description, products, opening hours),
    its WhatsApp number, links and photos (files too), the mentors' notes, the reasons typed
    for its dated states. Historical rows (simple_history) are scrubbed too, and the files an
    earlier version named. Every other app removes its own part (settings.PDP_ANONYMISERS);
    tests/umkm/test_pdp_coverage.py walks every model that leads to an owner and fails on a
    text or file field that no anonymiser clears and no allow-list names.
    """
    owner = Owner.objects.select_for_update().get(pk=owner.pk)
    placeholder = f"anonymised:{owner.pk}"
    owner.full_name = ANONYMOUS_NAME
    owner.nik_ciphertext = encrypt_nik("")
    owner.nik_index = nik_blind_index(placeholder)
    owner.birth_date = None
    owner.phone = owner.email = owner.address = ""
    owner.anonymised_at = timezone.now()
    owner._change_reason = "PDP anonymisation"
    owner.save()
    owner.history.exclude(history_id=owner.history.latest().history_id).update(
        full_name=ANONYMOUS_NAME,
        birth_date=None,
        phone="",
        email="",
        address="",
        nik_index=owner.nik_index,
    )
    for business in Business.objects.select_for_update().filter(owner=owner):
        earlier_photos = set(business.history.exclude(photo="").values_list("photo", flat=True))
        if business.photo:
            business.photo.delete(save=False)
        _delete_public_files(earlier_photos)
        for extra in business.photos.all():
            extra.image.delete(save=False)
        business.photos.all().delete()
        business.links.all().delete()
        business.name = f"UMKM anonim {business.pk}"
        business.slug = f"anonim-{business.pk}"
        business.address = ""
        business.nib = None
        business.public_consent = False
        business.public_consent_at = None
        business.description = business.products = business.opening_hours = ""
        business.whatsapp = ""
        business.whatsapp_public = False
        business._change_reason = "PDP anonymisation"
        business.save()
        send_public_listing_withdrawn(business)
        business.history.update(
            name=business.name,
            address="",
            nib=None,
            photo="",
            slug=business.slug,
            description="",
            products="",
            opening_hours="",
            whatsapp="",
            whatsapp_public=False,
        )
    BusinessState.objects.filter(business__owner=owner).update(reason="")
    Mentoring.objects.filter(business__owner=owner).update(notes="")
    Mentoring.history.filter(business__owner=owner).update(notes="")
    for dotted in settings.PDP_ANONYMISERS:
        import_string(dotted)(owner)
    _anonymise_admin_log(owner)
    record_personal_data_access(
        owner=owner,
        action=PersonalDataAccess.Action.ANONYMISE,
        purpose=purpose,
        actor=requested_by,
    )
    return owner


def _anonymise_admin_log(owner: Owner) -> None:
    """Django's admin log names each object it records (object_repr: "Siti Aminah", "Kue Bu
    Siti") and its change message can quote field labels; it holds no foreign key, so the
    object's rows are found by content type and id and renamed as the object now is."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Owner), object_id=str(owner.pk)
    ).update(object_repr=ANONYMOUS_NAME)
    for business_id, name in Business.objects.filter(owner=owner).values_list("pk", "name"):
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Business), object_id=str(business_id)
        ).update(object_repr=name)
