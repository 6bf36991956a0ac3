"""What the roster import adds to the shared pages (``pkh.extensions``): its menu entry,
and the "still being refreshed" notice of the coverage, gap and P2K2 pages while an
import's follow-up stage (aid coverage, P2K2 groups) is open."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.selectors import derived_refresh_pending
from pkh import extensions
from pkh.extensions import NavItem, RefreshNotice
from pkh.permissions import ADMINS


def refresh_notice(*, topic: str, user) -> RefreshNotice | None:
    """One query: the oldest import whose follow-up stage is not done yet."""
    pending = derived_refresh_pending()
    if pending is None:
        return None
    when = formats.date_format(
        timezone.localtime(pending.finished_at or pending.derived_queued_at or timezone.now()),
        "DATETIME_FORMAT",
    )
    if topic == "fds":
        message = _(
            "Keanggotaan kelompok P2K2 sedang diperbarui setelah impor roster %(when)s: "
            "keluarga dari impor itu mungkin belum tampil di kelompoknya."
        ) % {"when": when}
    else:
        message = _(
            "Angka cakupan bansos sedang diperbarui setelah impor roster %(when)s: keluarga "
            "dari impor itu mungkin belum terhitung."
        ) % {"when": when}
    if pending.created_by_id == getattr(user, "pk", None):
        return RefreshNotice(
            message=message,
            url=reverse("imports:detail", args=[pending.pk]),
            link_label=_("Lihat kemajuan"),
        )
    return RefreshNotice(message=message)


def register() -> None:
    item = NavItem(gettext_lazy("Impor roster"), "imports:list", ADMINS)
    extensions.menu_items.register(item.url_name, item)
    extensions.refresh_notices.register("imports", refresh_notice)
