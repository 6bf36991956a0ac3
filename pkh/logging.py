"""Logging helpers: personal identifiers never reach the logs."""

import logging
import re

# NIK and No. KK are 16 digits; mask any run of 16 digits, dotted or not.
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def redact(text: str) -> str:
    return _SIXTEEN_DIGITS.sub("[disamarkan]", text)


class RedactPersonalDataFilter(logging.Filter):
    """Masks 16-digit identifiers (NIK, No. KK) in every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
