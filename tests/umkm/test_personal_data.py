"""The NIK at rest and in logs: encrypted in the owner table and its history, never logged."""

import io
import logging

import pytest
from django.db import connection
from django.test import override_settings

from config.actors import SYSTEM
from config.logging import RedactPersonalData
from tests.factories import OwnerFactory, random_nik
from umkm import services
from umkm.crypto import decrypt_nik, encrypt_nik, nik_blind_index

pytestmark = pytest.mark.django_db


def _table_text(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_to_json(t)::text FROM {table} AS t")  # noqa: S608
        return "\n".join(row[0] for row in cursor.fetchall())


def test_owner_table_never_holds_the_nik_in_clear_text():
    nik = random_nik()
    owner = OwnerFactory(nik=nik)
    services.owner_update(actor=SYSTEM, owner=owner, full_name="Nama Baru")

    for table in ("umkm_owner", "umkm_historicalowner"):
        text = _table_text(table)
        assert text  # the rows are there
        assert nik not in text
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik_ciphertext, nik_index FROM umkm_owner WHERE id = %s", [owner.pk])
        ciphertext, index = cursor.fetchone()
    assert nik.encode() not in bytes(ciphertext)
    assert decrypt_nik(ciphertext) == nik
    assert index == nik_blind_index(nik) != nik


def test_nik_encryption_is_randomised_and_the_index_is_keyed():
    nik = random_nik()
    assert encrypt_nik(nik) != encrypt_nik(nik)
    index = nik_blind_index(nik)
    assert index == nik_blind_index(nik)
    with override_settings(NIK_HMAC_KEY="another-key"):
        assert nik_blind_index(nik) != index


def _console_handler() -> logging.Handler:
    return next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactPersonalData) for f in h.filters)
    )


def test_console_log_never_shows_a_full_nik_or_phone():
    nik = random_nik()
    handler = _console_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        log = logging.getLogger("umkm.test")
        log.warning("owner %s phone %s", nik, "081234567890")
        log.warning(f"formatted in advance: {nik} +6281234567890")
        log.warning("in a dict %(nik)s", {"nik": nik})
    finally:
        handler.setStream(previous)
    output = stream.getvalue()
    assert nik not in output
    assert "081234567890" not in output
    assert "6281234567890" not in output
    assert output.count("[NIK]") == 3
    assert "[TELEPON]" in output


def test_redact_filter_keeps_other_numbers():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "training %s has %s rows", (12, 5000), None
    )
    RedactPersonalData().filter(record)
    assert record.getMessage() == "training 12 has 5000 rows"
