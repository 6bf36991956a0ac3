from django import template

register = template.Library()


@register.filter
def dictget(mapping, key):
    """``{{ mapping|dictget:key }}``: a dict value by a key holding dots (figure keys)."""
    if not mapping:
        return None
    return mapping.get(key)
