"""Template helpers of the P2K2 pages."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()
CHECKED = mark_safe(" checked")  # noqa: S308 - a constant


@register.simple_tag
def attendance_choices(name: str, value: str | None, statuses: list[tuple[str, str]]) -> str:
    """The four big radio buttons of one family on the attendance screen.

    Built in Python: the screen repeats them for every family of the group, and one tag
    is much cheaper than a template loop of ~40 variable lookups per family.
    """
    return format_html_join(
        "",
        '<input type="radio" class="btn-check" name="{0}" id="{0}-{1}" value="{1}" '
        'autocomplete="off"{2}><label class="btn att-{1}" for="{0}-{1}">{3}</label>',
        ((name, code, CHECKED if value == code else "", label) for code, label in statuses),
    )
