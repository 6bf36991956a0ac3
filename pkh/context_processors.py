from django.urls import NoReverseMatch, reverse

from pkh import extensions
from pkh.permissions import can_edit_national_catalogue


def navigation(request):
    """Main-menu entries for the signed-in user's role (see ``pkh.extensions.menu_items``)."""
    user = getattr(request, "user", None)
    role = getattr(user, "role", None)
    keeper = can_edit_national_catalogue(user)
    items = []
    if role or keeper:
        for item in extensions.menu_items:
            if role in item.roles or (keeper and item.for_catalogue_keepers):
                try:
                    url = reverse(item.url_name)
                except NoReverseMatch:
                    continue
                items.append({"label": item.label, "url": url})
    return {"nav_items": items}
