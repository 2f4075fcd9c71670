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
