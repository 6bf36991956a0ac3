from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from households import selectors, services
from households.components import member_component_states_attach
from households.forms import (
    CaseloadFilterForm,
    HouseholdForm,
    MemberForm,
    SearchForm,
    SortChoices,
    TransferForm,
    VisitForm,
)
from households.models import Member
from households.validators import nik_warnings
from pkh import extensions
from pkh.forms import add_service_errors
from pkh.pagination import CappedPaginator
from pkh.permissions import (
    ADMINS,
    FACILITATORS,
    FAMILY_EDITORS,
    LEADS,
    is_facilitator,
    may_change_household_status,
    may_edit_household,
    may_log_visit,
    may_see_audit,
    role_required,
)

SEARCH_SESSION_KEY = "caseload_search"


def caseload(request):
    """The caseload ("Keluarga Saya"): search, filters, sorting and pagination.

    The free-text search may hold a NIK or a name, so it is POSTed and kept in the
    session: personal data never lands in a URL or an access log.
    """
    if request.method == "POST":
        search_form = SearchForm(request.POST)
        if search_form.is_valid():
            request.session[SEARCH_SESSION_KEY] = search_form.cleaned_data["q"].strip()
        query = request.GET.copy()
        query.pop("page", None)
        return redirect(f"{reverse('households:caseload')}?{query.urlencode()}")

    user = request.user
    search = request.session.get(SEARCH_SESSION_KEY, "")
    facilitators = selectors.facilitator_list(user=user) if not is_facilitator(user) else None
    villages, groups, narrowed = selectors.caseload_filter_choices(
        user=user,
        facilitator=_int_or_none(request.GET.get("pendamping")),
        village=request.GET.get("desa") or None,
        group=_int_or_none(request.GET.get("kelompok")),
    )
    form = CaseloadFilterForm(
        request.GET or None,
        villages=villages,
        groups=groups,
        facilitators=facilitators,
        narrowed=narrowed,
    )
    filters = form.cleaned_data if form.is_valid() else {}
    households = selectors.household_list(
        user=user,
        search=search,
        village=filters.get("desa") or None,
        component=filters.get("komponen") or None,
        status=filters.get("status") or None,
        fds_group=filters.get("kelompok"),
        facilitator=filters.get("pendamping"),
        no_visit=bool(filters.get("belum_dikunjungi")),
        followup_overdue=bool(filters.get("tindak_lanjut_terlambat")),
    ).order_by(*SortChoices.ORDER_BY[filters.get("urut") or "nama"])
    page = CappedPaginator(households, settings.PKH_CASELOAD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    selectors.component_codes_attach(page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "households/caseload.html",
        {
            "page": page,
            "form": form,
            "search_form": SearchForm(initial={"q": search}),
            "search": search,
            "query": query.urlencode(),
            "no_visit_cutoff": selectors.no_visit_cutoff(),
        },
    )


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def caseload_search_clear(request):
    request.session.pop(SEARCH_SESSION_KEY, None)
    return redirect("households:caseload")


def household_detail(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    members = list(selectors.household_members(household=household))
    village_code = household.village_id
    for member in members:
        member.nik_warnings = nik_warnings(
            member.nik, birth_date=member.birth_date, sex=member.sex, village_code=village_code
        )
    today = timezone.localdate()
    member_component_states_attach(members, today)
    benefit_lines, benefit_total, benefit_cap = selectors.household_benefit_estimate(
        members=members, year=today.year, today=today
    )
    benefit_adjustments, benefit_net = selectors.household_benefit_adjustments(
        household=household, lines=benefit_lines, year=today.year, today=today
    )
    panels = [
        panel
        for provider in extensions.family_panels
        if (panel := provider(request=request, household=household)) is not None
    ]
    can_see_audit = may_see_audit(request.user)
    return render(
        request,
        "households/detail.html",
        {
            "household": household,
            "members": members,
            "visits": selectors.household_visits(household=household),
            "benefit_lines": benefit_lines,
            "benefit_total": benefit_total,
            "benefit_cap": benefit_cap,
            "benefit_adjustments": benefit_adjustments,
            "benefit_net": benefit_net,
            "panels": panels,
            "audit": selectors.household_audit(household=household) if can_see_audit else None,
            "can_log_visit": may_log_visit(request.user, household),
            "can_edit": may_edit_household(request.user, household),
        },
    )


@role_required(*FACILITATORS)
def visit_create(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _visit, created = services.visit_create(
                household=household, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(request, _("Kunjungan dicatat."))
            else:
                messages.info(request, _("Kunjungan ini sudah tercatat sebelumnya."))
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/visit_form.html",
        {
            "form": form,
            "household": household,
            "family": selectors.family_header(household=household),
        },
    )


@role_required(*FACILITATORS)
def visit_edit(request, pk: int):
    visit = selectors.visit_get(user=request.user, pk=pk)
    initial = {
        "date": visit.date,
        "purpose": visit.purpose,
        "notes": visit.notes,
        "follow_up_date": visit.follow_up_date,
    }
    form = VisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "client_token"}
        try:
            services.visit_update(visit=visit, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Kunjungan diperbarui."))
            return redirect("households:detail", pk=visit.household_id)
    return render(
        request,
        "households/visit_form.html",
        {
            "form": form,
            "household": visit.household,
            "visit": visit,
            "family": selectors.family_header(household=visit.household),
        },
    )


@role_required(*FAMILY_EDITORS)
def household_edit(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    can_change_status = may_change_household_status(request.user)
    initial = {
        name: getattr(household, name)
        for name in services.HOUSEHOLD_EDITABLE_FIELDS + services.HOUSEHOLD_STATUS_FIELDS
    }
    form = HouseholdForm(request.POST or None, initial=initial, can_change_status=can_change_status)
    if request.method == "POST" and form.is_valid():
        data = {
            k: ("" if v is None and k in ("status_reason", "exit_type") else v)
            for k, v in form.cleaned_data.items()
        }
        try:
            services.household_update(household=household, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Data keluarga disimpan."))
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/household_form.html", {"form": form, "household": household})


@role_required(*FAMILY_EDITORS)
def member_create(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    return _member_form(request, household=household, member=None)


@role_required(*FAMILY_EDITORS)
def member_edit(request, pk: int, member_pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    member = household.members.filter(pk=member_pk).first()
    if member is None:
        from django.http import Http404

        raise Http404
    return _member_form(request, household=household, member=member)


def _member_form(request, *, household, member: Member | None):
    editing = member is not None
    initial = {}
    if editing:
        initial = {name: getattr(member, name) for name in services.MEMBER_FIELDS}
        initial["nik"] = member.nik
        initial["components"] = list(member.components.all())
    form = MemberForm(request.POST or None, initial=initial, editing=editing)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        nik = data.pop("nik")
        components = data.pop("components")
        try:
            saved = services.member_save(
                household=household,
                by=request.user,
                member=member,
                nik=None if editing else nik,
                components=components,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            for warning in nik_warnings(
                saved.nik,
                birth_date=saved.birth_date,
                sex=saved.sex,
                village_code=household.village_id,
            ):
                messages.warning(request, warning)
            messages.success(request, _("Data anggota disimpan."))
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/member_form.html",
        {"form": form, "household": household, "member": member},
    )


@role_required(*LEADS)
def team_overview(request):
    facilitators = selectors.team_facilitators(user=request.user)
    page = Paginator(facilitators, settings.PKH_TEAM_OVERVIEW_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "households/team_overview.html",
        {
            "page": page,
            "rows": selectors.team_overview(facilitators=page.object_list),
            "totals": selectors.team_overview_totals(facilitators=facilitators),
            "no_visit_days": settings.PKH_NO_VISIT_DAYS,
        },
    )


@role_required(*ADMINS)
def transfer(request):
    """Move families from one facilitator to another, in bulk."""
    facilitators = selectors.facilitator_list(user=request.user).order_by("username")
    source = request.POST or request.GET
    from_id = source.get("from_facilitator")
    households = []
    if from_id and from_id.isdigit():
        households = list(
            selectors.household_list(user=request.user, facilitator=int(from_id)).order_by(
                "village__name", "pengurus_name", "pk"
            )
        )
    choices = [(h.pk, h.id_keluarga) for h in households]
    form = TransferForm(
        request.POST or None,
        initial={"from_facilitator": from_id} if from_id else None,
        facilitators=facilitators,
        household_choices=choices,
    )
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.households_transfer(
                households=form.cleaned_data["households"],
                to_facilitator=form.cleaned_data["to_facilitator"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(n)d keluarga dipindahkan ke %(to)s.")
                % {"n": len(moved), "to": form.cleaned_data["to_facilitator"]},
            )
            return redirect("households:transfer_history")
    return render(
        request,
        "households/transfer.html",
        {"form": form, "households": households, "from_id": from_id},
    )


@role_required(*LEADS)
def transfer_history(request):
    page = Paginator(selectors.transfer_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "households/transfer_history.html", {"page": page})
