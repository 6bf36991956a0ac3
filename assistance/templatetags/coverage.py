from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """``{{ row.aids|get:aid.code }}``: a dictionary lookup by a variable key."""
    return mapping.get(key) if mapping else None
