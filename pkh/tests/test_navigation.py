"""The main menu: a long menu puts the entries marked ``more`` under "Lainnya" (so it is
one line at 1280 px, e2e/test_wide_screen.py); a short one shows every entry."""

import pytest
from django.urls import reverse

from conftest import login

pytestmark = pytest.mark.django_db


def _menu(client):
    context = client.get(reverse("home")).context
    return context["nav_items"], [item["label"] for item in context["nav_more"]]


def test_supervisor_and_admin_menus_put_the_less_used_entries_under_lainnya(
    client, supervisor, admin_user
):
    items, more = _menu(login(client, supervisor))
    assert more == [
        "Pengaduan",
        "Papan pengaduan",
        "Komitmen tim",
        "Status laporan",
        "Koreksi data",
        "Perangkat offline",
    ]
    assert [i["label"] for i in items if not i["more"]] == [
        "Keluarga",
        "Tim",
        "Bansos",
        "P2K2",
        "Review graduasi",
        "Usulan graduasi",
        "Laporan tim",
    ]
    _items, more = _menu(login(client, admin_user))
    assert more == [
        "Formulir penilaian",
        "Pengaduan",
        "Papan pengaduan",
        "Komitmen tim",
        "Laporan wilayah",
        "Status laporan",
        "Modul P2K2",
        "Pindah pendamping",
        "Koreksi data",
        "Ekspor koreksi",
        "Perangkat offline",
    ]


def test_a_short_menu_shows_every_entry(client, facilitator, catalogue_keeper):
    for user in (facilitator, catalogue_keeper):
        client.force_login(user)
        items, more = _menu(client)
        assert items and more == [] and not any(i["more"] for i in items), user
        assert "data-nav-more" not in client.get(reverse("home")).content.decode()


def test_lainnya_is_marked_on_the_page_of_one_of_its_entries(client, admin_user):
    login(client, admin_user)
    html = client.get(reverse("reports:runs")).content.decode()
    assert 'class="nav-link dropdown-toggle active"' in html
    assert (
        f'class="dropdown-item active" aria-current="page" href="{reverse("reports:runs")}"' in html
    )
    assert (
        'class="nav-link dropdown-toggle active"'
        not in client.get(reverse("home")).content.decode()
    )
