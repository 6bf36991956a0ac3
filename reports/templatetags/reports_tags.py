from django import template

register = template.Library()


@register.filter
def dictget(mapping, key):
    """``{{ mapping|dictget:key }}``: a dict value by a key holding dots (figure keys)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.simple_tag
def report_chart(chart):
    """``{% report_chart chart %}``: a presenters.ChartView as inline SVG, laid out for a
    phone's width (it scales down with its card, never overflows)."""
    from reports import charts

    if not chart:
        return ""
    return charts.svg(charts.layout(chart.spec, chart.kind), label=chart.title, key=chart.key)
