"""How dates and times are shown in English (``FORMAT_MODULE_PATH``); what is not set
here (input formats, separators) comes from Django's own ``en`` locale. One form
everywhere: ``5 Dec 2026``, ``5 Dec 2026 14:30``, ``5 Dec`` (to-do badges), ``Dec 2026``
(chart months). Templates write ``|date`` with no format, or a name below."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
