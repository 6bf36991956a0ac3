from django.urls import NoReverseMatch, reverse

from pkh import extensions
from pkh.permissions import can_edit_national_catalogue

# A menu of at most this many entries shows them all in the bar; a longer one puts the
# entries marked ``more`` under "Lainnya" (the supervisor's and admin's menus would wrap
# onto two lines at 1280 px otherwise). The facilitator's menu (nine short entries since
# commitments, offline work, complaints and corrections) stays whole.
MENU_INLINE_MAX = 9


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
                items.append({"label": item.label, "url": url, "more": item.more})
    if len(items) <= MENU_INLINE_MAX:
        for item in items:
            item["more"] = False
    more = [item for item in items if item["more"]]
    path = getattr(request, "path", "")
    return {
        "nav_items": items,
        "nav_more": more,
        "nav_more_active": any(item["url"] == path for item in more),
    }
