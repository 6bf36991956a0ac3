from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fds_sessions import services
from fds_sessions.forms import (
    AttendanceForm,
    FamiliesForm,
    GroupEditForm,
    GroupForm,
    ModuleForm,
    ModuleSessionForm,
    PeriodForm,
    SessionPlanForm,
)
from fds_sessions.models import AttendanceStatus, SessionStatus
from fds_sessions.selectors import figures as figure_selectors
from fds_sessions.selectors import groups as group_selectors
from fds_sessions.selectors import modules as module_selectors
from fds_sessions.selectors import sessions as session_selectors
from households.selectors import facilitator_list, village_choices
from pkh.extensions import refresh_notices_for
from pkh.files import private_file_response
from pkh.forms import add_service_errors
from pkh.permissions import (
    FACILITATORS,
    can_edit_national_catalogue,
    is_admin,
    is_facilitator,
    may_create_fds_group,
    may_manage_fds_group,
    national_catalogue_keeper_required,
    role_required,
)

GROUPS_PER_PAGE = 25
SESSIONS_ON_GROUP_PAGE = 12


def group_list(request):
    """Groups in the user's scope, this year's attendance rate per group and facilitator,
    and the groups that have not met this month."""
    user = request.user
    period = PeriodForm(request.GET or None)
    start, end = period.period()
    groups = group_selectors.group_list(
        user=user, include_archived=request.GET.get("arsip") == "1"
    ).order_by("facilitator__username", "name")
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    ids = [g.pk for g in page]
    rates = figure_selectors.attendance_rates(
        user=user, by="group", start=start, end=end, group_ids=ids
    )
    for g in page:
        g.rate = rates.get(g.pk)
    facilitators = []
    if not is_facilitator(user):
        # A supervisor's whole team; for an admin (a whole region) the facilitators of the
        # groups on this page, to keep the page's cost bounded.
        facilitators = facilitator_list(user=user).order_by("username")
        if is_admin(user):
            facilitators = facilitators.filter(pk__in={g.facilitator_id for g in page})
        facilitators = list(facilitators[:50])
        by_facilitator = figure_selectors.attendance_rates(
            user=user,
            by="facilitator",
            start=start,
            end=end,
            facilitator_ids=[f.pk for f in facilitators],
        )
        for f in facilitators:
            f.rate = by_facilitator.get(f.pk)
    idle = list(figure_selectors.groups_without_session(user=user).order_by("name")[:50])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "fds_sessions/group_list.html",
        {
            "page": page,
            "period": period,
            "start": start,
            "end": end,
            "facilitators": facilitators,
            "idle_groups": idle,
            "query": query.urlencode(),
            "can_create": may_create_fds_group(user),
            "refresh_notices": refresh_notices_for("fds", user=user),
        },
    )


@role_required(*FACILITATORS)
def group_create(request):
    form = GroupForm(request.POST or None, villages=village_choices(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Kelompok dibuat. Sekarang masukkan keluarganya."))
            return redirect("fds_sessions:group_families", pk=group.pk)
    return render(request, "fds_sessions/group_form.html", {"form": form})


def group_detail(request, pk: int):
    """The group page: families with their attendance rate, meetings, figures."""
    user = request.user
    group = group_selectors.group_get(user=user, pk=pk)
    period = PeriodForm(request.GET or None)
    start, end = period.period()
    families = list(group_selectors.group_families(group=group))
    rates = figure_selectors.attendance_rates(
        user=user, by="household", start=start, end=end, household_ids=[h.pk for h in families]
    )
    for h in families:
        h.rate = rates.get(h.pk)
    group_rate = figure_selectors.attendance_rates(
        user=user, by="group", start=start, end=end, group_ids=[group.pk]
    ).get(group.pk)
    sessions = list(session_selectors.group_sessions(group=group)[:SESSIONS_ON_GROUP_PAGE])
    completed = figure_selectors.modules_completed(user=user, group_ids=[group.pk]).get(
        group.pk, []
    )
    month_start, month_end = figure_selectors.month_bounds(timezone.localdate())
    met_this_month = group.sessions.filter(
        status=SessionStatus.HELD, date__gte=month_start, date__lte=month_end
    ).exists()
    can_manage = may_manage_fds_group(user, group)
    return render(
        request,
        "fds_sessions/group_detail.html",
        {
            "group": group,
            "families": families,
            "group_rate": group_rate,
            "sessions": sessions,
            "completed_modules": completed,
            "next_session": module_selectors.next_module_session(group=group)
            if can_manage
            else None,
            "met_this_month": met_this_month,
            "period": period,
            "start": start,
            "end": end,
            "can_manage": can_manage,
            "leader_household": group.leader.household_id if group.leader else None,
            "refresh_notices": refresh_notices_for("fds", user=user),
        },
    )


@role_required(*FACILITATORS)
def group_edit(request, pk: int):
    group = group_selectors.group_get(user=request.user, pk=pk)
    initial = {
        "name": group.name,
        "village": group.village_id,
        "meeting_place": group.meeting_place,
        "leader": group.leader_id,
        "is_active": group.is_active,
    }
    form = GroupEditForm(
        request.POST or None,
        initial=initial,
        villages=village_choices(user=request.user),
        leaders=group_selectors.leader_choices(group=group),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Kelompok disimpan."))
            return redirect("fds_sessions:group_detail", pk=group.pk)
    return render(request, "fds_sessions/group_form.html", {"form": form, "group": group})


@role_required(*FACILITATORS)
def group_families(request, pk: int):
    """Move families into the group (from no group or another one) or out of it."""
    group = group_selectors.group_get(user=request.user, pk=pk)
    members = list(group_selectors.group_families(group=group))
    candidates = list(group_selectors.family_choices_for(group=group))
    form = FamiliesForm(
        request.POST or None,
        initial={"on_date": timezone.localdate()},
        household_ids=[h.pk for h in members + candidates],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        adding = data["action"] == "add"
        action = services.group_families_add if adding else services.group_families_remove
        try:
            moved = action(
                group=group,
                household_ids=data["households"],
                on_date=data["on_date"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if adding:
                messages.success(request, _("%(n)d keluarga masuk kelompok.") % {"n": moved})
            else:
                messages.success(request, _("%(n)d keluarga keluar dari kelompok.") % {"n": moved})
            return redirect("fds_sessions:group_families", pk=group.pk)
    return render(
        request,
        "fds_sessions/group_families.html",
        {"group": group, "members": members, "candidates": candidates, "form": form},
    )


@role_required(*FACILITATORS)
def session_plan(request, pk: int):
    group = group_selectors.group_get(user=request.user, pk=pk)
    suggestion, repeat = module_selectors.session_plan_suggestion(group=group)
    initial = {
        "date": timezone.localdate(),
        "module_session": suggestion.pk if suggestion else None,
        "place": group.meeting_place,
    }
    form = SessionPlanForm(
        request.POST or None,
        initial=initial,
        module_sessions=module_selectors.module_session_choices(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_plan(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Pertemuan direncanakan."))
            return redirect("fds_sessions:session_detail", pk=session.pk)
    return render(
        request,
        "fds_sessions/session_form.html",
        {"form": form, "group": group, "suggestion": suggestion, "repeat": repeat},
    )


@role_required(*FACILITATORS)
def session_edit(request, pk: int):
    session = session_selectors.session_get(user=request.user, pk=pk)
    if session.status != SessionStatus.PLANNED:
        messages.info(request, _("Pertemuan ini tidak lagi dapat diubah rencananya."))
        return redirect("fds_sessions:session_detail", pk=session.pk)
    initial = {
        "date": session.date,
        "module_session": session.module_session_id,
        "place": session.place,
    }
    form = SessionPlanForm(
        request.POST or None,
        initial=initial,
        module_sessions=module_selectors.module_session_choices(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rencana pertemuan disimpan."))
            return redirect("fds_sessions:session_detail", pk=session.pk)
    return render(
        request,
        "fds_sessions/session_form.html",
        {"form": form, "group": session.group, "session": session},
    )


@require_POST
@role_required(*FACILITATORS)
def session_cancel(request, pk: int):
    session = session_selectors.session_get(user=request.user, pk=pk)
    try:
        services.session_cancel(session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Pertemuan dibatalkan."))
    return redirect("fds_sessions:session_detail", pk=session.pk)


def session_detail(request, pk: int):
    session = session_selectors.session_get(user=request.user, pk=pk)
    return render(
        request,
        "fds_sessions/session_detail.html",
        {
            "session": session,
            "attendance": session_selectors.session_attendance(session=session),
            "changes": session_selectors.attendance_changes(session=session),
            "can_manage": may_manage_fds_group(request.user, session.group),
            "is_future": session.date > timezone.localdate(),
        },
    )


@role_required(*FACILITATORS)
def session_attendance(request, pk: int):
    """The attendance screen: one row per family, one tap per status, one submit."""
    session = session_selectors.session_get(user=request.user, pk=pk)
    if session.status == SessionStatus.CANCELLED:
        raise Http404
    families = group_selectors.group_families_on(group=session.group, day=session.date)
    initial = {f"a{a.household_id}": a.status for a in session.attendance.all()}
    initial["notes"] = session.notes
    form = AttendanceForm(
        request.POST or None, request.FILES or None, initial=initial, households=families
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_hold(
                session=session,
                attendance=form.attendance(),
                notes=form.cleaned_data["notes"],
                photo=form.cleaned_data["photo"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Kehadiran disimpan."))
            return redirect("fds_sessions:session_detail", pk=session.pk)
    return render(
        request,
        "fds_sessions/attendance.html",
        {
            "session": session,
            "form": form,
            "is_future": session.date > timezone.localdate(),
            "statuses": [(code, str(label)) for code, label in AttendanceStatus.choices],
        },
    )


def session_photo(request, pk: int, size: str):
    """The session photo, only for users who may see the session (never a public URL)."""
    if size not in ("kecil", "besar"):
        raise Http404
    session = session_selectors.session_get(user=request.user, pk=pk)
    field = session.photo_thumbnail if size == "kecil" else session.photo
    # Always a JPEG: pkh.photos.photo_prepare re-encodes every upload.
    return private_file_response(
        field,
        content_type="image/jpeg",
        filename=f"p2k2-{session.pk}-{size}.jpg",
        cache="private, max-age=3600",
    )


# --- Module catalogue -----------------------------------------------------------------


def module_list(request):
    """The national P2K2 curriculum: read by everyone, changed by the national keeper."""
    return render(
        request,
        "fds_sessions/module_list.html",
        {
            "modules": module_selectors.module_catalogue(),
            "can_edit": can_edit_national_catalogue(request.user),
        },
    )


@national_catalogue_keeper_required
def module_create(request):
    form = ModuleForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.module_create(
                number=data["number"],
                title=data["title"],
                description=data["description"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Modul ditambahkan."))
            return redirect("fds_sessions:module_list")
    return render(
        request, "fds_sessions/module_form.html", {"form": form, "heading": _("Tambah modul")}
    )


@national_catalogue_keeper_required
def module_edit(request, pk: int):
    module = module_selectors.module_get(pk=pk)
    initial = {
        "number": module.number,
        "title": module.title,
        "description": module.description,
        "is_active": module.is_active,
    }
    form = ModuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.module_update(module=module, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Modul disimpan."))
            return redirect("fds_sessions:module_list")
    return render(
        request,
        "fds_sessions/module_form.html",
        {"form": form, "module": module, "heading": _("Ubah modul")},
    )


@national_catalogue_keeper_required
def module_session_create(request, pk: int):
    module = module_selectors.module_get(pk=pk)
    form = ModuleSessionForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.module_session_create(
                module=module,
                title=form.cleaned_data["title"],
                order=form.cleaned_data["order"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sesi ditambahkan."))
            return redirect("fds_sessions:module_list")
    return render(
        request,
        "fds_sessions/module_form.html",
        {"form": form, "module": module, "heading": _("Tambah sesi")},
    )


@national_catalogue_keeper_required
def module_session_edit(request, pk: int):
    item = module_selectors.module_session_get(pk=pk)
    initial = {"title": item.title, "order": item.order, "is_active": item.is_active}
    form = ModuleSessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.module_session_update(
                module_session=item,
                title=data["title"],
                order=data["order"] or item.order,
                is_active=data["is_active"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sesi disimpan."))
            return redirect("fds_sessions:module_list")
    return render(
        request,
        "fds_sessions/module_form.html",
        {"form": form, "module": item.module, "heading": _("Ubah sesi")},
    )
