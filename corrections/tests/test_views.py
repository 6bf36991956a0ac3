"""Every flow of the data corrections through the HTTP stack, as the real roles."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from corrections.models import Correction, CorrectionKind, CorrectionStatus
from corrections.tests.factories import child_of, family, png_upload
from households.models import Household, Member
from households.tests.factories import make_nik
from regions.models import Region

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def url(name, *args):
    return reverse(f"corrections:{name}", args=args)


def baby(household, **extra):
    birth = TODAY() - datetime.timedelta(days=20)
    data = {
        "event": "kelahiran",
        "nik": make_nik(region6="340209", birth_date=birth, sex="P", serial=8123),
        "name": "Aisyah Rahmawati",
        "sex": "P",
        "birth_date": birth.isoformat(),
        "relationship": "ANAK",
        "components": ["ANAK_USIA_DINI"],
        "document": "akta_lahir",
        "note": "Lahir di Puskesmas Jetis.",
    }
    data.update(extra)
    return data


def propose_baby(client, household, **extra):
    return client.post(url("propose_member_add", household.pk), baby(household, **extra))


# --- a new member ------------------------------------------------------------------------


def test_facilitator_proposes_a_baby_and_the_supervisor_approves(
    client, facilitator, supervisor, notified
):
    household, _members = family(facilitator)
    client.force_login(facilitator)
    assert client.get(url("propose_member_add", household.pk)).status_code == 200
    response = propose_baby(client, household)
    correction = Correction.objects.get()
    assert response.status_code == 302 and response.url == url("detail", correction.pk)
    assert correction.status == CorrectionStatus.PENDING
    assert correction.kind == CorrectionKind.MEMBER_ADD and correction.event == "kelahiran"
    assert correction.new_values["name"] == "Aisyah Rahmawati"
    assert correction.new_values["components"] == ["ANAK_USIA_DINI"]
    assert correction.fingerprint
    # Not in the registry yet.
    assert household.members.count() == 4
    assert notified[-1][:2] == (supervisor, "correction_waiting")
    assert "Aisyah" not in notified[-1][2]  # no names in a notification

    client.force_login(supervisor)
    page = client.get(url("detail", correction.pk)).content.decode()
    assert "Setujui dan terapkan" in page and "Aisyah Rahmawati" in page
    response = client.post(url("approve", correction.pk), follow=True)
    assert "Koreksi disetujui" in response.content.decode()
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED
    assert correction.decided_by == supervisor
    member = household.members.get(name="Aisyah Rahmawati")
    assert correction.member == member
    assert list(member.components.values_list("code", flat=True)) == ["ANAK_USIA_DINI"]
    # Audited as any edit, with the approver as the author.
    assert member.history.first().history_user == supervisor
    assert notified[-1][:2] == (facilitator, "correction_approved")


def test_bad_new_member_gets_field_errors_and_nothing_is_written(client, facilitator):
    household, members = family(facilitator)
    client.force_login(facilitator)
    response = propose_baby(client, household, nik="34020912345", name="")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "NIK harus tepat 16 angka." in errors["nik"]
    assert "name" in errors
    response = propose_baby(client, household, nik=members[0].nik)
    assert "NIK ini sudah terdaftar." in response.context["form"].errors["nik"]
    future = (TODAY() + datetime.timedelta(days=3)).isoformat()
    response = propose_baby(client, household, birth_date=future)
    assert response.context["form"].errors["birth_date"]
    response = propose_baby(client, household, event="kematian")
    assert response.context["form"].errors["event"]
    assert not Correction.objects.exists()


def test_a_double_submit_proposes_once(client, facilitator):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    token = "6f1c1c1e-9a43-4f7f-bf84-2c1b0c1d2e3f"
    propose_baby(client, household, client_token=token)
    response = propose_baby(client, household, client_token=token)
    assert Correction.objects.count() == 1
    assert response.status_code == 302
    assert response.url == url("detail", Correction.objects.get().pk)


def test_the_same_new_nik_cannot_wait_twice(client, facilitator):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    response = propose_baby(client, household)
    assert "sudah diusulkan" in response.context["form"].errors["nik"][0]
    assert Correction.objects.count() == 1


# --- a member who left -------------------------------------------------------------------


def test_member_leaving_is_applied_only_when_approved(client, facilitator, supervisor):
    household, _ = family(facilitator)
    child = child_of(household)
    client.force_login(facilitator)
    left = (TODAY() - datetime.timedelta(days=5)).isoformat()
    response = client.post(
        url("propose_member_leave", household.pk, child.pk),
        {"event": "menikah_keluar", "left_on": left, "document": "buku_nikah"},
    )
    correction = Correction.objects.get()
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.left_on is None
    client.force_login(supervisor)
    client.post(url("approve", correction.pk))
    child.refresh_from_db()
    assert (child.left_on.isoformat(), child.left_reason) == (left, "pindah")


def test_the_pengurus_cannot_be_proposed_as_leaving(client, facilitator):
    household, _ = family(facilitator)
    pengurus = household.members.get(is_pengurus=True)
    client.force_login(facilitator)
    response = client.post(
        url("propose_member_leave", household.pk, pengurus.pk),
        {"event": "kematian", "left_on": TODAY().isoformat(), "document": "akta_kematian"},
    )
    assert response.status_code == 200
    assert "pengurus" in " ".join(response.context["form"].non_field_errors())
    assert not Correction.objects.exists()


def test_leaving_before_birth_is_a_field_error(client, facilitator):
    household, _ = family(facilitator)
    child = child_of(household)
    client.force_login(facilitator)
    response = client.post(
        url("propose_member_leave", household.pk, child.pk),
        {"event": "pindah", "left_on": "2010-01-01", "document": "surat_pindah"},
    )
    assert "sebelum tanggal lahir" in response.context["form"].errors["left_on"][0]
    assert not Correction.objects.exists()


# --- identity -----------------------------------------------------------------------------


def propose_identity(client, household, member, **values):
    data = {
        "name": member.name,
        "nik": member.nik,
        "birth_date": member.birth_date.isoformat(),
        "document": "ktp",
    }
    data.update(values)
    return client.post(url("propose_member_identity", household.pk, member.pk), data)


def test_identity_correction_needs_the_admin(client, facilitator, supervisor, admin_user):
    household, _ = family(facilitator)
    child = child_of(household)
    new_nik = make_nik(region6="340209", birth_date=child.birth_date, sex=child.sex, serial=4321)
    client.force_login(facilitator)
    propose_identity(
        client, household, child, name="Bagus Saputra", nik=new_nik, photo=png_upload()
    )
    correction = Correction.objects.get()
    assert correction.new_values == {"name": "Bagus Saputra", "nik": new_nik}
    assert correction.old_values == {"name": child.name, "nik": child.nik}
    assert correction.photo

    # The supervisor may not approve an identity correction: 403, nothing written.
    client.force_login(supervisor)
    page = client.get(url("detail", correction.pk)).content.decode()
    assert "Setujui dan terapkan" not in page
    assert client.post(url("approve", correction.pk)).status_code == 403
    assert client.post(url("return", correction.pk), {"reason": "x"}).status_code == 403
    correction.refresh_from_db()
    child.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING
    assert child.name != "Bagus Saputra"

    client.force_login(admin_user)
    client.post(url("approve", correction.pk))
    child.refresh_from_db()
    assert (child.name, child.nik) == ("Bagus Saputra", new_nik)
    assert child.history.first().history_user == admin_user


def test_identity_service_refuses_a_supervisor(facilitator, supervisor):
    from django.core.exceptions import ValidationError

    from corrections import services

    household, _ = family(facilitator)
    child = child_of(household)
    correction, _ = services.correction_propose_identity(
        household=household, by=facilitator, member=child, document="ktp", name="Bagus Saputra"
    )
    with pytest.raises(ValidationError, match="hanya dapat diputuskan oleh admin"):
        services.correction_approve(correction=correction, by=supervisor)
    child.refresh_from_db()
    assert child.name != "Bagus Saputra"


def test_identity_with_nothing_changed_or_a_taken_nik_is_refused(client, facilitator):
    household, members = family(facilitator)
    child = child_of(household)
    client.force_login(facilitator)
    response = propose_identity(client, household, child)
    assert "Tidak ada data yang berubah" in " ".join(response.context["form"].non_field_errors())
    other = next(m for m in members if m.pk != child.pk)
    response = propose_identity(client, household, child, nik=other.nik)
    assert "sudah terdaftar" in response.context["form"].errors["nik"][0]
    response = propose_identity(client, household, child, nik="12ab")
    assert response.context["form"].errors["nik"]
    assert not Correction.objects.exists()


def test_no_kk_correction_approved_by_the_admin(client, facilitator, admin_user):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    response = client.post(
        url("propose_no_kk", household.pk), {"no_kk": "3402091203150007", "document": "kk"}
    )
    assert response.status_code == 302
    response = client.post(url("propose_no_kk", household.pk), {"no_kk": "34020", "document": "kk"})
    assert response.context["form"].errors["no_kk"] == ["No. KK harus tepat 16 angka."]
    correction = Correction.objects.get()
    client.force_login(admin_user)
    client.post(url("approve", correction.pk))
    household.refresh_from_db()
    assert household.no_kk == "3402091203150007"
    assert household.history.first().history_user == admin_user


# --- a family that moved village -----------------------------------------------------------


def test_village_move_approved_by_the_supervisor(client, facilitator, supervisor):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    form = client.get(url("propose_village", household.pk)).context["form"]
    codes = [v.pk for v in form.fields["village"].queryset]
    assert "34.02.09.2002" in codes and household.village_id not in codes
    assert "33.74.01.1001" not in codes  # another regency
    response = client.post(
        url("propose_village", household.pk),
        {"village": "33.74.01.1001", "document": "surat_pindah"},
    )
    assert response.context["form"].errors["village"]
    client.post(
        url("propose_village", household.pk),
        {
            "village": "34.02.09.2002",
            "address": "Dusun Gaten",
            "rt": "4",
            "rw": "2",
            "document": "surat_pindah",
        },
    )
    correction = Correction.objects.get()
    client.force_login(supervisor)
    client.post(url("approve", correction.pk))
    household.refresh_from_db()
    assert (household.village_id, household.address, household.rt) == (
        "34.02.09.2002",
        "Dusun Gaten",
        "4",
    )


# --- return, withdraw, to-do ---------------------------------------------------------------


def test_supervisor_returns_with_a_reason_and_the_facilitator_sees_it_to_do(
    client, facilitator, supervisor, notified
):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    correction = Correction.objects.get()

    client.force_login(supervisor)
    home = client.get(reverse("home")).content.decode()
    assert "Koreksi data menunggu keputusan" in home
    response = client.post(url("return", correction.pk), {"reason": ""})
    assert response.status_code == 400
    assert response.context["return_form"].errors["reason"]
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING
    client.post(url("return", correction.pk), {"reason": "Akta lahir belum terbaca."})
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.RETURNED
    assert notified[-1][:2] == (facilitator, "correction_returned")
    assert household.members.count() == 4

    client.force_login(facilitator)
    home = client.get(reverse("home")).content.decode()
    assert "Koreksi data dikembalikan" in home
    page = client.get(url("detail", correction.pk)).content.decode()
    assert "Akta lahir belum terbaca." in page
    client.post(url("withdraw", correction.pk))
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.WITHDRAWN
    assert "Koreksi data dikembalikan" not in client.get(reverse("home")).content.decode()


def test_a_decided_correction_cannot_be_decided_again(client, facilitator, supervisor):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    correction = Correction.objects.get()
    client.force_login(supervisor)
    client.post(url("approve", correction.pk))
    response = client.post(url("approve", correction.pk), follow=True)
    assert "sudah diputuskan" in response.content.decode()
    assert household.members.count() == 5


# --- who may do what ------------------------------------------------------------------------


def test_a_facilitator_cannot_approve(client, facilitator, other_facilitator):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    correction = Correction.objects.get()
    assert client.post(url("approve", correction.pk)).status_code == 403
    assert client.post(url("return", correction.pk), {"reason": "x"}).status_code == 403
    client.force_login(other_facilitator)  # same team, not the owner: not in scope
    assert client.post(url("approve", correction.pk)).status_code == 403
    assert client.get(url("detail", correction.pk)).status_code == 404
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING
    assert household.members.count() == 4


def test_another_team_gets_404(
    client, facilitator, other_supervisor, other_team_facilitator, other_region_admin
):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    correction = Correction.objects.get()
    for user in (other_supervisor, other_region_admin):
        client.force_login(user)
        assert client.get(url("detail", correction.pk)).status_code == 404
        assert client.post(url("approve", correction.pk)).status_code == 404
        assert client.get(url("photo", correction.pk)).status_code == 404
        assert correction.pk not in [
            c.pk for c in client.get(url("list") + "?lihat=").context["page"]
        ]
    client.force_login(other_team_facilitator)
    assert client.get(url("propose_member_add", household.pk)).status_code == 404
    assert client.post(url("propose_member_add", household.pk), baby(household)).status_code == 404
    assert client.get(url("detail", correction.pk)).status_code == 404
    assert Correction.objects.count() == 1


def test_only_the_familys_facilitator_proposes(client, facilitator, supervisor, admin_user):
    household, _ = family(facilitator)
    for user in (supervisor, admin_user):
        client.force_login(user)
        assert client.get(url("propose_member_add", household.pk)).status_code == 403
        assert (
            client.post(url("propose_member_add", household.pk), baby(household)).status_code == 403
        )
    assert not Correction.objects.exists()


def test_photo_is_private_and_served_only_in_scope(client, facilitator, supervisor):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household, photo=png_upload())
    correction = Correction.objects.get()
    assert correction.photo.name.startswith(f"koreksi/{household.pk}/")
    with pytest.raises(ValueError):
        correction.photo.url  # noqa: B018 (private files have no URL)
    client.force_login(supervisor)
    response = client.get(url("photo", correction.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_file_that_is_not_a_photo_is_refused(client, facilitator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    household, _ = family(facilitator)
    client.force_login(facilitator)
    bad = SimpleUploadedFile("ktp.png", b"not an image", content_type="image/png")
    response = propose_baby(client, household, photo=bad)
    assert response.context["form"].errors["photo"]
    assert not Correction.objects.exists()


# --- family page, list, menu -----------------------------------------------------------------


def test_family_page_shows_pending_and_past_corrections(client, facilitator, supervisor):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Usulkan anggota baru" in page and "Belum ada koreksi data." in page
    propose_baby(client, household)
    first = Correction.objects.get()
    client.force_login(supervisor)
    client.post(url("approve", first.pk))
    client.force_login(facilitator)
    client.post(url("propose_no_kk", household.pk), {"no_kk": "3402091203150007", "document": "kk"})
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert 'data-status="menunggu"' in page and 'data-status="disetujui"' in page
    client.force_login(supervisor)
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Usulkan anggota baru" not in page and 'data-status="menunggu"' in page


def test_queue_pages_and_keeps_its_query_count(
    client, facilitator, supervisor, django_assert_max_num_queries
):
    from corrections import services

    households = [family(facilitator)[0] for _ in range(3)]

    def add(n):
        for i in range(n):
            h = households[i % 3]
            services.correction_propose_village_move(
                household=h,
                by=facilitator,
                village=Region.objects.get(code="34.02.09.2004"),
                document="surat_pindah",
                address=f"Dusun {i}",
            )

    add(3)
    client.force_login(supervisor)
    client.get(url("list"))  # warm the session and the menu
    with django_assert_max_num_queries(12) as few:
        response = client.get(url("list"))
    assert len(response.context["page"]) == 3
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("list") + "?page=2")
    assert response.status_code == 200 and len(response.context["page"]) == 8


def test_supervisors_queue_leaves_identity_to_the_admin(
    client, facilitator, supervisor, admin_user
):
    from corrections import services

    household, _ = family(facilitator)
    child = child_of(household)
    services.correction_propose_identity(
        household=household, by=facilitator, member=child, document="ktp", name="Bagus Saputra"
    )
    client.force_login(supervisor)
    assert len(client.get(url("list")).context["page"]) == 0
    assert len(client.get(url("list") + "?lihat=pending").context["page"]) == 1
    client.force_login(admin_user)
    assert len(client.get(url("list")).context["page"]) == 1
    assert "Koreksi data menunggu keputusan" in client.get(reverse("home")).content.decode()


def test_menu_entries(client, facilitator, admin_user):
    client.force_login(facilitator)
    page = client.get(reverse("home")).content.decode()
    assert url("list") in page and url("export") not in page
    assert client.get(url("export")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("home")).content.decode()
    assert url("export") in page


def test_unknown_list_view_is_404(client, facilitator):
    client.force_login(facilitator)
    assert client.get(url("list") + "?lihat=apa").status_code == 404


def test_household_and_member_counts_untouched_by_proposals(client, facilitator):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    assert Member.objects.count() == 4 and Household.objects.count() == 1
