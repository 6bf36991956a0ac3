"""Logging helpers: personal identifiers never reach the logs.

NIK and No. KK are 16 digits, written plain (``3402091203870001``) or in groups joined by
dots, spaces or dashes (``3402.0912.0387.0001``, ``3402 0912 0387 0001``,
``34.02.09.120387.0001``, ``340209-120387-0001``). ``redact`` masks both. Grouped digits
are masked only when a run of groups of 2 to 6 digits, joined by one and the same
separator, holds 16 digits or more, so dates (``2024-01-15``, even two in a row:
``2024-01-01 2024-03-31`` mixes separators), counts, ids and region codes
(``34.02.09.2001``, ``3402092001``) stay readable. Not caught: a NIK written with mixed
separators or with a group of 7 to 15 digits (``340209 1203870001``).

``RedactPersonalDataFilter`` applies it to every log record (message, arguments and
traceback). It must sit on every handler, since a logger's own filters do not see records
propagated from its children: ``install()`` puts it on the root logger and on every handler
of every logger. It runs after Django's logging setup (``LOGGING_CONFIG`` below), after
Celery's (``pkh/celery.py``) and after gunicorn's (``gunicorn.conf.py``), which each
create handlers of their own.
"""

import logging
import logging.config
import re

MASK = "[disamarkan]"
NIK_DIGITS = 16
SEPARATORS = frozenset(" .-")
# A digit group inside a written-out NIK: 2 (province, regency, district) to 6 (birth
# date, region) digits.
GROUP_MIN, GROUP_MAX = 2, 6

_DIGIT_RUN = re.compile(r"\d+")


def _masked_spans(text: str) -> list[tuple[int, int]]:
    """Each plain 16-digit number, and each run of digit groups (2 to 6 digits) joined by
    one and the same separator that holds 16 digits or more (the whole run: a NIK
    followed by another number in the same run is not cut in two)."""
    groups = [(m.start(), m.end()) for m in _DIGIT_RUN.finditer(text)]
    spans = []
    i = 0
    while i < len(groups):
        start, end = groups[i]
        if end - start == NIK_DIGITS:
            spans.append((start, end))
            i += 1
            continue
        j, total = i, 0
        separator = text[end : end + 1]
        if GROUP_MIN <= end - start <= GROUP_MAX and separator in SEPARATORS:
            total = end - start
            while j + 1 < len(groups):
                g_start, g_end = groups[j + 1]
                if text[groups[j][1] : g_start] != separator:
                    break
                if not GROUP_MIN <= g_end - g_start <= GROUP_MAX:
                    break
                total += g_end - g_start
                j += 1
        if j > i and total >= NIK_DIGITS:
            spans.append((start, groups[j][1]))
        i = j + 1
    return spans


def redact(text: str) -> str:
    spans = _masked_spans(text)
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start], MASK]
        last = end
    parts.append(text[last:])
    return "".join(parts)


class RedactPersonalDataFilter(logging.Filter):
    """Masks NIK and No. KK (16 digits, grouped or not) in every log record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatters use exc_text when it is set: the traceback is written masked.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _add_filter(filterer: logging.Filterer) -> None:
    if not any(isinstance(f, RedactPersonalDataFilter) for f in filterer.filters):
        filterer.addFilter(RedactPersonalDataFilter())


def install() -> None:
    """The filter on the root logger and on every handler of every logger (idempotent)."""
    root = logging.getLogger()
    loggers = [root] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    _add_filter(root)
    for logger in loggers:
        for handler in logger.handlers:
            _add_filter(handler)
    if logging.lastResort is not None:  # writes warnings when a logger finds no handler
        _add_filter(logging.lastResort)


def configure(config: dict) -> None:
    """``LOGGING_CONFIG``: Django's ``dictConfig`` of ``LOGGING``, then ``install()``, so
    the handlers Django defines itself (``django.server``, the runserver access log;
    ``mail_admins``) mask too, not only those in ``LOGGING``."""
    logging.config.dictConfig(config)
    install()
