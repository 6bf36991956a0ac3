from django.urls import NoReverseMatch, reverse

from pkh import registry


def navigation(request):
    """Main-menu entries for the signed-in user's role (see ``pkh.registry.nav_items``)."""
    role = getattr(getattr(request, "user", None), "role", None)
    items = []
    if role:
        for item in sorted(registry.nav_items, key=lambda i: i.order):
            if role in item.roles:
                try:
                    url = reverse(item.url_name)
                except NoReverseMatch:
                    continue
                items.append({"label": item.label, "url": url})
    return {"nav_items": items}
