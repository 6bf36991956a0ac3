"""The import pages through the real HTTP stack: switching the mode at the confirm step, and
each mode described truthfully (issue 19)."""

import pytest
from django.urls import reverse

from households.models import Household
from imports.models import ImportMode, ImportStatus
from imports.tests.helpers import make_import
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


SWITCH_BUTTON = (
    "Ganti mode ke “lewati keluarga yang tidak valid” dan impor tanpa 1 keluarga yang ditolak"
)


def _three_families_one_rejected(builder):
    families = list(builder.families(3))
    families[1][0]["JK"] = "X"
    return families


def test_preview_button_says_it_switches_the_mode_and_how_many_families_stay_out(
    client, admin_user, builder
):
    roster_import = make_import(admin_user, csv_bytes(_three_families_one_rejected(builder)))
    assert roster_import.households_skipped == 1
    client.force_login(admin_user)
    page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
    assert SWITCH_BUTTON in page
    # The button leads to the confirm step (GET), it does not import.
    form = page[: page.index(SWITCH_BUTTON)].rsplit("<form", 1)[1]
    assert 'method="get"' in form
    assert reverse("imports:confirm", args=[roster_import.pk]) in form


def test_confirm_step_names_the_mode_change_and_the_families_left_out(client, admin_user, builder):
    roster_import = make_import(admin_user, csv_bytes(_three_families_one_rejected(builder)))
    client.force_login(admin_user)
    response = client.get(
        reverse("imports:confirm", args=[roster_import.pk]), {"mode": "skip_invalid"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mode impor akan diganti" in text
    assert (
        "File ini diunggah dengan mode “Semua atau tidak sama sekali”. Bila Anda lanjutkan, "
        "mode impor diganti menjadi “Lewati keluarga yang tidak valid”."
    ) in text
    assert "1 keluarga yang punya baris ditolak tidak akan diimpor." in text
    assert "2 keluarga akan diimpor" in text
    assert "Ya, ganti mode dan impor tanpa 1 keluarga yang ditolak" in text
    assert 'name="mode_change" value="1"' in text
    roster_import.refresh_from_db()  # looking at the step changes nothing
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    assert roster_import.mode == ImportMode.ALL_OR_NOTHING
    assert Household.objects.count() == 0


def test_switching_the_mode_without_the_confirm_step_is_sent_to_it(client, admin_user, builder):
    roster_import = make_import(admin_user, csv_bytes(_three_families_one_rejected(builder)))
    client.force_login(admin_user)
    url = reverse("imports:confirm", args=[roster_import.pk])
    response = client.post(url, {"mode": "skip_invalid"})
    assert response.status_code == 302
    assert response.url == f"{url}?mode=skip_invalid"
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    assert roster_import.mode == ImportMode.ALL_OR_NOTHING
    assert Household.objects.count() == 0


def test_confirm_step_imports_the_valid_families_in_the_new_mode(
    client, admin_user, builder, django_capture_on_commit_callbacks
):
    families = _three_families_one_rejected(builder)
    roster_import = make_import(admin_user, csv_bytes(families))
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:confirm", args=[roster_import.pk]),
            {"mode": "skip_invalid", "mode_change": "1"},
        )
    assert response.url == reverse("imports:detail", args=[roster_import.pk])
    roster_import.refresh_from_db()
    assert roster_import.mode == ImportMode.SKIP_INVALID
    assert roster_import.status == ImportStatus.DONE and roster_import.committed
    assert Household.objects.count() == 2
    assert not Household.objects.filter(id_keluarga=families[1][0]["IDSEMESTA"]).exists()


def test_upload_in_skip_mode_imports_without_a_mode_change(client, admin_user, builder):
    roster_import = make_import(
        admin_user, csv_bytes(_three_families_one_rejected(builder)), mode=ImportMode.SKIP_INVALID
    )
    client.force_login(admin_user)
    page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
    assert "Impor tanpa 1 keluarga yang ditolak" in page
    assert "Ganti mode" not in page
    step = client.get(reverse("imports:confirm", args=[roster_import.pk]), {"mode": "skip_invalid"})
    assert step.status_code == 302  # no mode change: no step to show


def test_confirm_all_or_nothing_with_rejections_is_refused_with_a_message(
    client, admin_user, builder
):
    families = list(builder.families(2))
    families[1][0]["JK"] = "X"
    roster_import = make_import(admin_user, csv_bytes(families))
    client.force_login(admin_user)
    response = client.post(
        reverse("imports:confirm", args=[roster_import.pk]),
        {"mode": "all_or_nothing"},
        follow=True,
    )
    assert response.status_code == 200
    assert "ditolak" in response.content.decode()
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    assert Household.objects.count() == 0


def _mode_help(page: str) -> dict[str, str]:
    """Each mode's label on the upload page with the description that follows it."""
    import html
    import re

    items = re.findall(r"<li><strong>(.*?)</strong>:\s*(.*?)</li>", page, flags=re.S)
    return {html.unescape(label).strip(): html.unescape(text).strip() for label, text in items}


def test_upload_page_describes_each_mode_truthfully(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("imports:create")).content.decode()
    described = _mode_help(page)
    assert set(described) == {str(label) for label in ImportMode.labels}
    dry_run = described[str(ImportMode.DRY_RUN.label)]
    assert "hanya memeriksa" in dry_run and "tidak ada yang disimpan" in dry_run
    assert "bila ada satu baris ditolak" not in dry_run
    all_or_nothing = described[str(ImportMode.ALL_OR_NOTHING.label)]
    assert "bila ada satu baris ditolak, tidak ada yang disimpan" in all_or_nothing
    assert "hanya memeriksa" not in all_or_nothing
    skip = described[str(ImportMode.SKIP_INVALID.label)]
    assert "dilewati seluruhnya" in skip and "sisanya disimpan" in skip


def test_mode_change_texts_in_english(client, admin_user, builder):
    roster_import = make_import(admin_user, csv_bytes(_three_families_one_rejected(builder)))
    client.force_login(admin_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("imports:detail", args=[roster_import.pk])).content.decode()
    assert (
        "Switch the mode to “skip invalid families” and import without the 1 rejected family"
    ) in page
    step = client.get(
        reverse("imports:confirm", args=[roster_import.pk]), {"mode": "skip_invalid"}
    ).content.decode()
    assert "The import mode will change" in step
    assert "1 family with a rejected row will not be imported." in step
    assert "2 families will be imported" in step
    assert "2 new, 0 changed, 0 unchanged" in step
    assert "Yes, switch the mode and import without the 1 rejected family" in step
    assert "“All or nothing”" in step and "“Skip invalid families”" in step
