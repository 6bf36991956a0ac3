"""Every complaint flow through the HTTP stack, as the real roles."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.models import AdvocacyCase, CaseKind
from assistance.tests.factories import CaseFactory
from complaints import services
from complaints.models import Complaint, ComplaintEvent, ComplaintStatus, Escalation
from complaints.tests.factories import category, open_complaint, png_upload
from conftest import login
from households.tests.factories import households_bulk
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _create_url(household):
    return reverse("complaints:create", args=[household.pk])


def _post_new(client, household, **extra):
    data = {
        "category": category("pembayaran").pk,
        "channel": "kunjungan",
        "description": "Bantuan tahap ini belum masuk ke rekening.",
        "client_token": str(uuid.uuid4()),
    }
    data.update(extra)
    return client.post(_create_url(household), data)


class TestOpen:
    def test_facilitator_opens_a_complaint_for_a_member_with_a_photo(
        self, client, facilitator, household
    ):
        login(client, facilitator)
        page = client.get(_create_url(household))
        assert page.status_code == 200
        assert "Bantuan belum diterima" in page.content.decode()
        member = household.members.order_by("pk").first()
        response = _post_new(client, household, member=member.pk, photo=png_upload())
        complaint = Complaint.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("complaints:detail", args=[complaint.pk])
        assert (complaint.status, complaint.member, complaint.facilitator) == (
            ComplaintStatus.NEW,
            member,
            facilitator,
        )
        assert complaint.due_on == timezone.localdate() + datetime.timedelta(days=14)
        assert complaint.photo and complaint.photo.name.endswith(".jpg")
        event = complaint.events.get()
        assert (event.kind, event.by, event.to_status) == ("dibuka", facilitator, "baru")
        detail = client.get(response["Location"])
        assert "Bantuan tahap ini belum masuk" in detail.content.decode()
        photo = client.get(reverse("complaints:photo", args=[complaint.pk, "kecil"]))
        assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"

    def test_category_deadline_overrides_the_default(
        self, client, facilitator, household, settings
    ):
        settings.PKH_COMPLAINT_DEADLINE_DAYS = 30
        cat = category("pembayaran")
        login(client, facilitator)
        _post_new(client, household)
        assert Complaint.objects.get().due_on == timezone.localdate() + datetime.timedelta(30)
        cat.deadline_days = 5
        cat.save()
        _post_new(client, household)
        assert Complaint.objects.latest("pk").due_on == timezone.localdate() + datetime.timedelta(5)

    def test_double_submit_opens_one(self, client, facilitator, household):
        login(client, facilitator)
        token = str(uuid.uuid4())
        _post_new(client, household, client_token=token)
        _post_new(client, household, client_token=token)
        assert Complaint.objects.count() == 1

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"category": ""}, "category"),
            ({"channel": "surat"}, "channel"),
            ({"description": ""}, "description"),
            ({"description": "x" * 5001}, "description"),
            ({"member": "999999"}, "member"),
        ],
    )
    def test_bad_input_gets_field_errors_and_writes_nothing(
        self, client, facilitator, household, change, field
    ):
        login(client, facilitator)
        response = _post_new(client, household, **change)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert not Complaint.objects.exists() and not ComplaintEvent.objects.exists()

    def test_a_file_that_is_no_photo_is_refused(self, client, facilitator, household):
        login(client, facilitator)
        from django.core.files.uploadedfile import SimpleUploadedFile

        bad = SimpleUploadedFile("ktp.png", b"not an image", content_type="image/png")
        response = _post_new(client, household, photo=bad)
        assert "photo" in response.context["form"].errors
        assert not Complaint.objects.exists()

    def test_member_of_another_family_is_refused(self, client, facilitator, household, regions):
        other = households_bulk(1, facilitator=facilitator)[0]
        login(client, facilitator)
        response = _post_new(client, household, member=other.members.first().pk)
        assert "member" in response.context["form"].errors
        assert not Complaint.objects.exists()

    def test_supervisor_cannot_open_and_other_team_is_404(
        self, client, supervisor, facilitator, household, other_team_household
    ):
        assert login(client, supervisor).get(_create_url(household)).status_code == 403
        assert _post_new(client, household).status_code == 403
        assert login(client, facilitator).get(_create_url(other_team_household)).status_code == 404
        assert not Complaint.objects.exists()

    def test_admin_opens_for_a_family_and_its_facilitator_is_told(
        self, client, admin_user, facilitator, household
    ):
        login(client, admin_user)
        assert _post_new(client, household).status_code == 302
        complaint = Complaint.objects.get()
        assert complaint.facilitator == facilitator and complaint.opened_by == admin_user
        note = Notification.objects.get(recipient=facilitator)
        assert note.kind == "complaint_assigned"
        assert note.url == reverse("complaints:detail", args=[complaint.pk])
        # No family name in the title.
        for member in household.members.all():
            assert member.name not in note.title


class TestLifeCycle:
    def _act(self, client, complaint, action, **data):
        payload = {"action": action, **{f"{action}-{k}": v for k, v in data.items()}}
        return client.post(reverse("complaints:detail", args=[complaint.pk]), payload)

    def test_new_in_progress_referred_resolved(self, client, facilitator, household, office):
        complaint = open_complaint(household)
        login(client, facilitator)
        assert self._act(client, complaint, "start", note="Dicek ke bank.").status_code == 302
        assert self._act(client, complaint, "refer", resource=office.pk).status_code == 302
        complaint.refresh_from_db()
        assert (complaint.status, complaint.referred_to) == (ComplaintStatus.REFERRED, office)
        assert (
            self._act(client, complaint, "note", note="Bank minta fotokopi KTP.").status_code == 302
        )
        response = self._act(client, complaint, "resolve", resolution="Kartu baru sudah diterima.")
        assert response.status_code == 302
        complaint.refresh_from_db()
        assert complaint.status == ComplaintStatus.RESOLVED and complaint.closed_at
        events = list(complaint.events.values_list("kind", "from_status", "to_status", "by"))
        assert events == [
            ("dibuka", "", "baru", facilitator.pk),
            ("status", "baru", "diproses", facilitator.pk),
            ("dirujuk", "diproses", "dirujuk", facilitator.pk),
            ("catatan", "", "", facilitator.pk),
            ("status", "dirujuk", "selesai", facilitator.pk),
        ]
        page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
        assert "Kartu baru sudah diterima." in page and "Bank minta fotokopi KTP." in page
        # Closed: no more actions.
        assert 'name="action"' not in page
        assert self._act(client, complaint, "note", note="lagi").status_code == 403 or (
            complaint.events.count() == 5
        )

    def test_resolve_needs_a_text_and_nothing_is_written(self, client, facilitator, household):
        complaint = open_complaint(household)
        login(client, facilitator)
        response = self._act(client, complaint, "resolve", resolution="  ")
        assert response.status_code == 400
        assert "resolution" in response.context["forms"]["resolve"].errors
        complaint.refresh_from_db()
        assert complaint.status == ComplaintStatus.NEW and complaint.events.count() == 1

    def test_refer_needs_an_office(self, client, facilitator, household):
        complaint = open_complaint(household)
        login(client, facilitator)
        response = self._act(client, complaint, "refer", resource="")
        assert "resource" in response.context["forms"]["refer"].errors
        complaint.refresh_from_db()
        assert complaint.status == ComplaintStatus.NEW

    def test_facilitator_cannot_reject_supervisor_can_with_reason(
        self, client, facilitator, supervisor, household
    ):
        complaint = open_complaint(household)
        login(client, facilitator)
        page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
        assert 'value="reject"' not in page
        assert self._act(client, complaint, "reject", reason="Tidak berdasar.").status_code == 403
        complaint.refresh_from_db()
        assert complaint.status == ComplaintStatus.NEW
        login(client, supervisor)
        assert self._act(client, complaint, "reject", reason="").status_code == 400
        assert self._act(client, complaint, "reject", reason="Hanya pertanyaan.").status_code == 302
        complaint.refresh_from_db()
        assert (complaint.status, complaint.resolution) == ("ditolak", "Hanya pertanyaan.")
        assert Notification.objects.filter(recipient=facilitator, kind="complaint_ditolak").exists()

    def test_facilitator_cannot_see_the_board(self, client, facilitator):
        assert login(client, facilitator).get(reverse("complaints:board")).status_code == 403

    def test_colleague_cannot_work_a_ticket(self, client, other_facilitator, household):
        complaint = open_complaint(household)
        login(client, other_facilitator)
        # Same team, not the family's facilitator: the family is out of their scope.
        assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404

    def test_other_team_ticket_is_404_everywhere(
        self, client, supervisor, other_team_household, other_region_admin
    ):
        complaint = open_complaint(other_team_household)
        for user in (supervisor, other_region_admin):
            login(client, user)
            for url in (
                reverse("complaints:detail", args=[complaint.pk]),
                reverse("complaints:open_case", args=[complaint.pk]),
                reverse("complaints:photo", args=[complaint.pk, "kecil"]),
            ):
                assert client.get(url).status_code == 404, (user, url)
            assert self._act(client, complaint, "note", note="x").status_code == 404
            body = client.get(reverse("complaints:list")).content.decode()
            assert f'data-complaint="{complaint.pk}"' not in body

    def test_unknown_action_is_404(self, client, facilitator, household):
        complaint = open_complaint(household)
        login(client, facilitator)
        assert self._act(client, complaint, "delete").status_code == 404


class TestAdvocacyCase:
    def test_open_a_case_from_the_complaint_without_retyping(
        self, client, facilitator, household, office
    ):
        member = household.members.order_by("pk").first()
        complaint = open_complaint(household, member=member)
        services.complaint_refer(complaint=complaint, by=facilitator, resource=office)
        login(client, facilitator)
        url = reverse("complaints:open_case", args=[complaint.pk])
        page = client.get(url)
        assert page.context["form"].initial["kind"] == CaseKind.KKS_BLOCKED  # from the category
        response = client.post(url, {"kind": CaseKind.KKS_BLOCKED})
        case = AdvocacyCase.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("assistance:case_detail", args=[case.pk])
        assert (case.household, case.resource, case.opened_by) == (household, office, facilitator)
        assert complaint.description in case.description
        complaint.refresh_from_db()
        assert complaint.advocacy_case == case
        assert complaint.events.filter(kind="kasus").exists()
        # Once linked, the page sends to the case.
        assert client.get(url)["Location"] == reverse("assistance:case_detail", args=[case.pk])

    def test_missing_aid_case_needs_the_aid_nothing_written(self, client, facilitator, household):
        complaint = open_complaint(household, code="pembayaran")
        login(client, facilitator)
        response = client.post(
            reverse("complaints:open_case", args=[complaint.pk]), {"kind": CaseKind.MISSING_AID}
        )
        assert response.status_code == 200 and "aid" in response.context["form"].errors
        assert not AdvocacyCase.objects.exists()
        complaint.refresh_from_db()
        assert complaint.advocacy_case is None

    def test_supervisor_cannot_open_a_case(self, client, supervisor, household):
        complaint = open_complaint(household)
        login(client, supervisor)
        assert client.get(reverse("complaints:open_case", args=[complaint.pk])).status_code == 403

    def test_link_an_existing_open_case(self, client, facilitator, household):
        case = CaseFactory(household=household, opened_by=facilitator)
        complaint = open_complaint(household)
        login(client, facilitator)
        client.post(
            reverse("complaints:detail", args=[complaint.pk]),
            {"action": "link", "link-case": case.pk},
        )
        complaint.refresh_from_db()
        assert complaint.advocacy_case == case

    def test_another_familys_case_cannot_be_linked(self, client, facilitator, household, regions):
        other = households_bulk(1, facilitator=facilitator)[0]
        case = CaseFactory(household=other, opened_by=facilitator)
        complaint = open_complaint(household)
        login(client, facilitator)
        response = client.post(
            reverse("complaints:detail", args=[complaint.pk]),
            {"action": "link", "link-case": case.pk},
        )
        assert response.status_code == 400
        complaint.refresh_from_db()
        assert complaint.advocacy_case is None


class TestListsAndBoard:
    def test_list_constant_queries_and_filters(
        self, client, supervisor, facilitator, regions, django_assert_max_num_queries
    ):
        families = households_bulk(40, facilitator=facilitator)
        for h in families[:3]:
            open_complaint(h)
        login(client, supervisor)
        url = reverse("complaints:list")
        with django_assert_max_num_queries(12) as few:
            client.get(url)
        for h in families[3:]:
            open_complaint(h)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(url)
        body = response.content.decode()
        assert body.count("data-complaint=") == 25
        Complaint.objects.filter(household=families[0]).update(due_on=datetime.date(2026, 1, 1))
        overdue = client.get(url + "?status=lewat").content.decode()
        assert overdue.count("data-complaint=") == 1

    def test_board_numbers_match_the_lists_they_link_to(
        self, client, supervisor, facilitator, other_facilitator, regions
    ):
        mine = households_bulk(3, facilitator=facilitator)
        theirs = households_bulk(2, facilitator=other_facilitator)
        a = open_complaint(mine[0])
        open_complaint(mine[1], code="pembayaran")
        c = open_complaint(theirs[0])
        services.complaint_resolve(complaint=c, by=other_facilitator, resolution="Beres.")
        Complaint.objects.filter(pk=a.pk).update(due_on=datetime.date(2026, 1, 1))
        login(client, supervisor)
        response = client.get(reverse("complaints:board"))
        board = response.context["board"]
        assert (board.total.open, board.total.overdue, board.total.resolved) == (2, 1, 1)
        body = response.content.decode()
        kks = category("kks").pk
        link = f"?status=lewat&amp;kategori={kks}"
        assert link in body
        listed = client.get(reverse("complaints:list") + f"?status=lewat&kategori={kks}")
        assert listed.content.decode().count("data-complaint=") == 1
        since = response.context["since_iso"]
        resolved = client.get(
            reverse("complaints:list")
            + f"?status=selesai&sejak={since}&pendamping={other_facilitator.pk}"
        )
        assert resolved.content.decode().count("data-complaint=") == 1

    def test_family_page_panel_and_todo(self, client, facilitator, household):
        complaint = open_complaint(household)
        login(client, facilitator)
        page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
        assert "data-complaints-panel" in page
        assert reverse("complaints:detail", args=[complaint.pk]) in page
        assert reverse("complaints:create", args=[household.pk]) in page
        home = client.get(reverse("home")).content.decode()
        assert reverse("complaints:detail", args=[complaint.pk]) in home

    def test_todo_lists_open_complaints_by_due_date(self, client, facilitator, household):
        today = timezone.localdate()
        later = open_complaint(household)
        sooner = open_complaint(household, code="pembayaran")
        overdue = open_complaint(household, code="lainnya")
        closed = open_complaint(household, code="layanan_ditolak")
        for complaint, days in ((later, 9), (sooner, 2), (overdue, -3), (closed, -9)):
            Complaint.objects.filter(pk=complaint.pk).update(
                due_on=today + datetime.timedelta(days=days)
            )
        services.complaint_resolve(complaint=closed, by=facilitator, resolution="Beres.")
        home = login(client, facilitator).get(reverse("home")).content.decode()
        where = [
            home.find(reverse("complaints:detail", args=[c.pk])) for c in (overdue, sooner, later)
        ]
        assert -1 not in where and where == sorted(where)
        assert reverse("complaints:detail", args=[closed.pk]) not in home


class TestEscalation:
    def test_overdue_goes_to_supervisor_then_admin_visible_and_notified(
        self, client, facilitator, supervisor, admin_user, other_region_admin, household, settings
    ):
        settings.PKH_COMPLAINT_ADMIN_ESCALATION_DAYS = 7
        complaint = open_complaint(household)
        today = timezone.localdate()
        services.complaints_escalate(today=complaint.due_on)  # due today: not yet
        complaint.refresh_from_db()
        assert complaint.escalation == Escalation.NONE
        services.complaints_escalate(today=complaint.due_on + datetime.timedelta(days=1))
        complaint.refresh_from_db()
        assert complaint.escalation == Escalation.SUPERVISOR
        assert (
            Notification.objects.filter(recipient=supervisor, kind="complaint_escalated").count()
            == 1
        )
        # A rerun the same day changes nothing.
        services.complaints_escalate(today=complaint.due_on + datetime.timedelta(days=1))
        assert complaint.events.filter(kind="eskalasi").count() == 1
        services.complaints_escalate(today=complaint.due_on + datetime.timedelta(days=8))
        complaint.refresh_from_db()
        assert complaint.escalation == Escalation.ADMIN
        assert Notification.objects.filter(recipient=admin_user).count() == 1
        assert not Notification.objects.filter(recipient=other_region_admin).exists()
        assert today  # the ticket shows it
        login(client, supervisor)
        page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
        assert "data-escalated" in page and 'data-escalation="2"' in page
        home = login(client, admin_user).get(reverse("home")).content.decode()
        assert reverse("complaints:detail", args=[complaint.pk]) in home

    def test_closed_complaints_do_not_escalate(self, facilitator, household):
        complaint = open_complaint(household)
        services.complaint_resolve(complaint=complaint, by=facilitator, resolution="Beres.")
        counts = services.complaints_escalate(today=complaint.due_on + datetime.timedelta(days=30))
        assert counts == {"supervisor": 0, "admin": 0}


def test_transfer_moves_open_tickets_to_the_new_facilitator(
    facilitator, other_facilitator, admin_user, household
):
    from households.services import households_transfer

    complaint = open_complaint(household)
    households_transfer(
        households=[household.pk],
        to_facilitator=other_facilitator,
        by=admin_user,
        reason="Pemekaran",
    )
    complaint.refresh_from_db()
    assert complaint.facilitator == other_facilitator
    assert complaint.events.filter(kind="pindah").exists()
    assert Notification.objects.filter(recipient=other_facilitator).exists()
