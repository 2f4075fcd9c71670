"""Random and malicious values thrown at the import, the validators and the public pages:
never a 500, never a half-written record, always a clear message."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import TrainingFactory, admin_sudin
from umkm import importer, services
from umkm.importer import COLUMNS, ImportFileError
from umkm.models import Business, Enrolment, Owner
from umkm.validators import clean_nik, normalise_phone

NASTY = [
    "<script>alert(1)</script>",
    "'; DROP TABLE umkm_owner; --",
    '" OR 1=1 --',
    '=HYPERLINK("http://x")',
    "\x00\x01\x1b[31m",
    "A" * 5000,
    "١٢٣٤",  # Arabic-Indic digits
    "3173024107850001\n",
    "‮gnp.exe",
]
cell = st.one_of(st.sampled_from(NASTY), st.text(max_size=300), st.integers().map(str))
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([header for _, header in COLUMNS])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.django_db
@HYPOTHESIS
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=len(COLUMNS) + 3), min_size=1, max_size=4))
def test_import_of_random_rows_gives_messages_and_writes_nothing_half(rows):
    actor = admin_sudin()
    training = TrainingFactory()
    before = (Owner.objects.count(), Business.objects.count(), Enrolment.objects.count())
    try:
        parsed = importer.read_rows("csv", _csv(rows))
    except ImportFileError as exc:
        assert str(exc)  # a message, not a crash
        return
    preview = importer.check_rows(actor=actor, training=training, rows=parsed)
    for row in preview.error_rows:
        assert all(message.startswith("Baris ") for message in row.errors)
    after_preview = (Owner.objects.count(), Business.objects.count(), Enrolment.objects.count())
    assert after_preview == before  # the preview never writes
    if preview.can_confirm:
        try:
            services.trainees_register(
                actor=actor, training=training, trainees=[r.data for r in preview.rows]
            )
        except ValidationError:
            after = (Owner.objects.count(), Business.objects.count(), Enrolment.objects.count())
            assert after == before  # all or nothing


@HYPOTHESIS
@given(value=st.one_of(cell, st.binary(max_size=40).map(lambda b: b.decode("latin-1"))))
def test_validators_answer_only_with_validation_errors(value):
    for check in (clean_nik, normalise_phone):
        try:
            check(value)
        except ValidationError as exc:
            assert exc.messages


@pytest.mark.django_db
@HYPOTHESIS
@given(key=st.sampled_from(["q", "tahun", "bulan", "kecamatan", "page", "next"]), value=cell)
def test_public_pages_never_answer_500_to_odd_query_strings(client, key, value):
    for path in ("/", "/healthz"):
        response = client.get(path, {key: value})
        assert response.status_code < 500


@pytest.mark.django_db
def test_zip_bomb_upload_is_refused_by_the_import_with_a_message():
    from tests.security.test_hostile_files import _zip_bomb

    bomb = _zip_bomb(64 * 1024**2).getvalue()
    with pytest.raises(ImportFileError, match="jauh lebih besar"):
        importer.read_rows("xlsx", bomb)


@pytest.mark.django_db
@HYPOTHESIS
@given(name=cell, business=cell, products=cell)
# Found by hypothesis: the import reads a no-break space as a space (names are compared and
# stored with white space collapsed), so the name is not stored byte for byte.
@example(name="0\xa00", business="0\xa00", products="0\xa00")
@example(name="Siti\t\u3000 Aminah", business="Warung\xa0\xa0Siti", products="Kue\xa0basah")
def test_import_with_malicious_names_stores_them_verbatim_or_refuses_the_row(
    name, business, products
):
    from tests.factories import random_nik

    actor = admin_sudin()
    training = TrainingFactory()
    row = [
        random_nik(),
        name,
        "P",
        "",
        "",
        "",
        "",
        "31.73.02.1002",
        business,
        "Kuliner",
        products,
        "31.73.02.1002",
        "",
        "Ya",
        "Tidak",
        "",
    ]
    before = Owner.objects.count()
    preview = importer.check_rows(
        actor=actor, training=training, rows=importer.read_rows("csv", _csv([row]))
    )
    if not preview.can_confirm:
        assert preview.error_rows or preview.file_errors
        assert Owner.objects.count() == before
        return
    services.trainees_register(actor=actor, training=training, trainees=[preview.rows[0].data])
    owner = Owner.objects.latest("pk")
    # Control characters dropped, any run of white space one space, the rest verbatim.
    assert owner.full_name == " ".join(importer._text(name).split())
    assert owner.businesses.get().name == " ".join(importer._text(business).split())
    assert "\x00" not in owner.businesses.get().products


@pytest.mark.django_db
@HYPOTHESIS
@given(
    name=cell,
    nik=st.one_of(cell, st.from_regex(r"\A31730[0-9]{11}\Z")),
    phone=cell,
    address=cell,
    birth=st.one_of(cell, st.dates().map(lambda d: d.strftime("%d/%m/%Y"))),
)
def test_owner_form_in_admin_never_fails_and_never_half_saves(
    client, name, nik, phone, address, birth
):
    client.force_login(admin_sudin())
    before = Owner.objects.count()
    response = client.post(
        "/admin/umkm/owner/add/",
        {
            "full_name": name,
            "nik": nik,
            "gender": "P",
            "birth_date": birth,
            "phone": phone,
            "email": "",
            "address": address,
            "kelurahan": "31.73.02.1002",
            "businesses-TOTAL_FORMS": "0",
            "businesses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code in (200, 302)
    after = Owner.objects.count()
    assert after == before + (1 if response.status_code == 302 else 0)
    if response.status_code == 200:
        assert "errornote" in response.content.decode() or "errorlist" in response.content.decode()


@pytest.mark.django_db
@HYPOTHESIS
@given(
    path=st.sampled_from(["/bazar/", "/umkm/", "/laporan/", "/laporan/kecamatan/31.73.02/"]),
    key=st.sampled_from(
        ["tahun", "bulan", "kecamatan", "halaman", "mendatang", "q", "sektor", "dari", "sampai"]
    ),
    value=cell,
)
def test_public_and_report_filters_never_answer_500(client, path, key, value):
    from tests.factories import pejabat

    if path.startswith("/laporan/"):
        client.force_login(pejabat(username="pejabat-hipotesis"))
    response = client.get(path, {key: value})
    assert response.status_code in (200, 302, 400, 404), (path, key, value, response.status_code)
