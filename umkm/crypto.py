"""NIK at rest: encrypted (Fernet, keys from the environment) beside a keyed HMAC blind index.

The blind index lets the database enforce one owner per NIK and answer exact searches without
ever decrypting; the ciphertext is what staff allowed to see the NIK get decrypted.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt_nik(nik: str) -> bytes:
    return _fernet(tuple(settings.NIK_ENCRYPTION_KEYS)).encrypt(nik.encode())


def decrypt_nik(token: bytes | memoryview) -> str:
    return _fernet(tuple(settings.NIK_ENCRYPTION_KEYS)).decrypt(bytes(token)).decode()


def nik_blind_index(nik: str) -> str:
    key = settings.NIK_HMAC_KEY.encode()
    return hmac.new(key, nik.encode(), hashlib.sha256).hexdigest()


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a blob of personal data kept for a short while (an import waiting for confirm)."""
    return _fernet(tuple(settings.NIK_ENCRYPTION_KEYS)).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet(tuple(settings.NIK_ENCRYPTION_KEYS)).decrypt(token)
