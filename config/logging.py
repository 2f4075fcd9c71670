"""Logging filters: personal data never reaches a log line."""

import logging
import re

# A NIK is 16 digits; an Indonesian phone number is 08... or +62/62 followed by 8-12 digits.
_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+?62|0)8\d{7,11}(?!\d)")


# Postgres repeats the whole offending row (name, phone, address...) in constraint errors.
_FAILING_ROW = re.compile(r"Failing row contains \(.*?\)\.?", re.DOTALL)
_KEY_DETAIL = re.compile(r"(Key \([^)]*\)=)\(.*?\)")


def redact(text: str) -> str:
    text = _FAILING_ROW.sub("Failing row contains ([redacted]).", text)
    text = _KEY_DETAIL.sub(r"\1([redacted])", text)
    text = _NIK.sub("[NIK]", text)
    return _PHONE.sub("[TELEPON]", text)


class RedactPersonalData(logging.Filter):
    """Replaces anything shaped like a NIK or a phone number in the rendered message."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted record, traceback included: exception messages (database
    errors especially) can carry values of the row being written."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def logging_settings(level: str = "INFO") -> dict:
    """settings.LOGGING: every handler through the redacting filter and formatter above
    (tests/security/test_log_handlers.py walks the tree)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {
                "()": "config.logging.RedactingFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            }
        },
        "filters": {"redact_pii": {"()": "config.logging.RedactPersonalData"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["redact_pii"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's defaults give "django" (development console, mail to ADMINS) and
            # "django.server" (runserver's request lines: "GET /admin/umkm/owner/?q=<NIK>") handlers
            # of their own that no filter of ours would see: both pass on to the root's redacting
            # console only.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.server": {"handlers": [], "level": "INFO", "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            # axes logs usernames and addresses of failed sign-ins: kept, but never a password.
            "axes": {"level": "WARNING"},
        },
    }
