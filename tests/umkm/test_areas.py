import re

import pytest

from umkm.areas import read_area_rows
from umkm.models import City, Kecamatan, Kelurahan


@pytest.mark.django_db
def test_areas_of_dki_jakarta_are_loaded_by_migration():
    assert City.objects.count() == 6
    assert Kecamatan.objects.count() == 44
    assert Kelurahan.objects.count() == 267


@pytest.mark.django_db
def test_jakarta_barat_has_8_kecamatan_and_56_kelurahan():
    assert City.objects.get(code="31.73").name == "Kota Administrasi Jakarta Barat"
    assert Kecamatan.objects.filter(city_id="31.73").count() == 8
    assert Kelurahan.objects.filter(kecamatan__city_id="31.73").count() == 56
    assert Kecamatan.objects.get(code="31.73.02").name == "Grogol Petamburan"
    assert Kecamatan.objects.get(code="31.73.07").name == "Pal Merah"  # the decree's spelling


@pytest.mark.django_db
def test_every_kelurahan_has_a_five_digit_postal_code_and_matching_parent():
    for kelurahan in Kelurahan.objects.all():
        assert re.fullmatch(r"\d{5}", kelurahan.postal_code)
        assert kelurahan.code.startswith(kelurahan.kecamatan_id + ".")


@pytest.mark.django_db
def test_database_refuses_a_malformed_area_code():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Kelurahan.objects.create(
            code="31.73.02.12", name="X", kecamatan_id="31.73.02", postal_code="11450"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Kelurahan.objects.create(
            code="31.73.02.9999", name="X", kecamatan_id="31.73.02", postal_code="1145"
        )


def test_shipped_csv_matches_its_source_note():
    rows = read_area_rows()
    assert len(rows) == 318
    assert len({r["code"] for r in rows}) == 318
