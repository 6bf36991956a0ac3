"""Display filters every template has without ``{% load %}`` (``TEMPLATES`` ``builtins``).

One notation across the app:

- quarters: ``{{ quarter|quarter_label }}`` shows ``T3 2026`` (``Q3 2026`` in English) for a
  ``reports.quarters.Quarter``, a stored key ``"2026Q3"``, or a year with the quarter's
  number (``{{ year|quarter_label:number }}``); the key itself stays in URLs and forms'
  values;
- dates: the plain ``|date`` filter, whose formats (``DATE_FORMAT``, ``DATETIME_FORMAT``,
  ``MONTH_DAY_FORMAT``...) live in ``pkh/formats/<language>/formats.py``;
- counts and amounts: ``{{ n|number }}`` (Django's humanize ``intcomma`` for numbers only):
  ``1.200`` in Indonesian, ``1,200`` in English; text and ``None`` pass through as they
  are. Not for ids, years, NIKs, or values in URLs and form inputs, which stay plain
  (``USE_THOUSAND_SEPARATOR`` is off for that reason).
"""

import re
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from pkh.quarter_calendar import quarter_label as _quarter_label

register = template.Library()

_KEY_RE = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*[Qq]\s*([1-4])\s*$")


@register.filter(is_safe=True)
def number(value):
    """A count or amount with the language's thousands separator (``1.200`` / ``1,200``);
    anything that is not a number (``"-"``, a month label, ``None``) is left as it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    return intcomma(value)


@register.filter
def quarter_label(value, number=None) -> str:
    """``T3 2026`` / ``Q3 2026`` for a quarter object, a key ``2026Q3``, or a year and a
    number (``{{ year|quarter_label:number }}``); anything else is shown as it is."""
    if value is None or value == "":
        return ""
    if number not in (None, ""):
        try:
            return _quarter_label(int(value), int(number))
        except (TypeError, ValueError):
            return str(value)
    if hasattr(value, "year") and hasattr(value, "number"):
        return _quarter_label(value.year, value.number)
    match = _KEY_RE.match(str(value))
    if match:
        return _quarter_label(int(match.group(1)), int(match.group(2)))
    return str(value)
