"""Offline field work: the app shell, the caseload copy for the phone, the sync
endpoint, the service worker and the web app manifest (docs/offline.md)."""

from __future__ import annotations

import contextlib
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from field import selectors, services
from field.sw import service_worker_source
from households.models import Relationship, Sex
from pkh.permissions import (
    EVERY_ROLE,
    FACILITATORS,
    is_facilitator,
    may_revoke_device,
    role_required,
)


def _json_facilitator(view):
    """Signed-in facilitators only; a JSON 401/403 instead of a redirect to the login
    page, which a script could not tell from data."""

    @login_not_required
    def wrapped(request, *args, **kwargs):
        # Before sign-in: revoking a phone also ends its session, and it must still
        # learn that it has to wipe what it holds.
        if services.device_revoked(key=request.headers.get(DEVICE_HEADER)):
            return _revoked()
        if not request.user.is_authenticated:
            return JsonResponse({"error": "signed_out"}, status=401)
        if not is_facilitator(request.user):
            return JsonResponse({"error": "forbidden"}, status=403)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


DEVICE_HEADER = "X-PKH-Device"
DEVICES_PAGE_SIZE = 25


def _revoked() -> JsonResponse:
    return JsonResponse(
        {"error": "revoked", "reason": _("Perangkat ini sudah dicabut; data offline dihapus.")},
        status=410,
    )


def _strings() -> dict:
    """The offline app's words, translated here (the project has no JavaScript catalogue)."""
    return {
        "summary": _(
            "Tersimpan di HP: %(families)s keluarga, %(sessions)s pertemuan, %(size)s, "
            "disimpan %(when)s."
        ),
        "none": _("Belum ada data offline di HP ini."),
        "preparing": _("Menyimpan data offline…"),
        "prepare_failed": _("Gagal menyiapkan data offline. Coba lagi saat ada sinyal."),
        "queue_empty": _("Tidak ada catatan di antrean."),
        "pending": _("Menunggu dikirim"),
        "sent": _("Terkirim"),
        "refused": _("Ditolak"),
        "conflict": _("Data di server berubah: pilih versi yang benar"),
        "edit": _("Ubah"),
        "choose_send": _("Kirim pilihan ini"),
        "server_version": _("Di server"),
        "phone_version": _("Di HP"),
        "yes": _("Ya"),
        "no": _("Tidak"),
        "sending": _("Mengirim…"),
        "all_sent": _("Semua catatan terkirim."),
        "retry": _("Gagal mengirim; dicoba lagi dalam %(s)s detik."),
        "offline_wait": _("Offline: catatan dikirim otomatis saat sinyal kembali."),
        "signed_out": _("Sesi berakhir: masuk lagi untuk mengirim catatan."),
        "visit": _("Kunjungan"),
        "attendance": _("Kehadiran P2K2"),
        "saved_visit": _("Kunjungan disimpan di HP; dikirim saat online."),
        "saved_attendance": _("Kehadiran disimpan di HP; dikirim saat online."),
        "required": _("Wajib diisi."),
        "future": _("Tanggal tidak boleh di masa depan."),
        "follow_before": _("Tanggal tindak lanjut tidak boleh sebelum tanggal kunjungan."),
        "unmarked": _("belum ditandai"),
        "all_marked": _("Semua keluarga sudah ditandai"),
        "mark_all": _("Tandai kehadiran semua keluarga."),
        "photo_too_big": _("Foto terlalu besar walau sudah diperkecil."),
        "photo_unreadable": _("Berkas ini bukan foto yang dapat dibaca."),
        "years": _("th"),
        "last_visit": _("Kunjungan terakhir"),
        "never": _("belum pernah"),
        "group": _("Kelompok P2K2"),
        "missing": _("Data ini tidak ada di HP. Siapkan offline lagi saat ada sinyal."),
        "commitment": _("Verifikasi komitmen"),
        "saved_commitment": _("Verifikasi disimpan di HP; dikirim saat online."),
        "members": _("anggota"),
        "revoked": _("HP ini sudah dicabut: data offline dan antreannya dihapus."),
        "other_user": _("%(n)s catatan milik pengguna lain menunggu di HP ini."),
        "relationships": dict(Relationship.choices),
        "sexes": dict(Sex.choices),
    }


@role_required(*FACILITATORS)
def app(request):
    """The offline shell: no personal data in the page itself (the service worker keeps
    it); the caseload comes from the phone's IndexedDB."""
    return render(request, "field/app.html", {"strings": _strings()})


@require_GET
@_json_facilitator
def status(request):
    """Who is signed in, and a fresh CSRF token for the sync requests (a revoked device
    is answered 410 before this, by ``_json_facilitator``)."""
    key = request.headers.get(DEVICE_HEADER)
    if key:
        # An unknown key (e.g. another user's phone): the next copy registers theirs.
        with contextlib.suppress(services.DeviceUnknown):
            services.device_check(
                user=request.user, key=key, session_key=request.session.session_key or ""
            )
    return JsonResponse({"username": request.user.get_username(), "csrf": get_token(request)})


@require_GET
@_json_facilitator
def data(request):
    """The caseload copy, and the key of the phone's device (registered on its first
    copy; the phone names it in every later offline request)."""
    try:
        key = services.device_for_prepare(
            user=request.user,
            key=request.headers.get(DEVICE_HEADER),
            session_key=request.session.session_key or "",
            user_agent=request.headers.get("User-Agent", ""),
        )
    except services.DeviceRevoked:
        return _revoked()
    snapshot = selectors.caseload_snapshot(user=request.user)
    snapshot["device"] = str(key)
    return JsonResponse(snapshot)


@require_POST
@_json_facilitator
def sync(request):
    try:
        services.device_check(
            user=request.user,
            key=request.headers.get(DEVICE_HEADER),
            session_key=request.session.session_key or "",
        )
    except services.DeviceRevoked:
        return _revoked()
    except services.DeviceUnknown:
        message = _("Perangkat ini belum disiapkan; siapkan offline lagi saat ada sinyal.")
        return JsonResponse({"error": "device", "reason": message}, status=403)
    try:
        body = request.body
    except RequestDataTooBig:
        return JsonResponse({"error": _("Kiriman terlalu besar.")}, status=413)
    try:
        payload = json.loads(body)
        records = payload["records"]
        if not isinstance(records, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Kiriman tidak dapat dibaca.")}, status=400)
    try:
        results = services.sync_records(user=request.user, records=records)
    except services.BatchTooLarge:
        message = _("Terlalu banyak catatan sekaligus; maksimal %(n)d.") % {
            "n": settings.PKH_FIELD_SYNC_BATCH_MAX
        }
        return JsonResponse({"error": message}, status=413)
    return JsonResponse({"results": results})


@login_not_required
@require_GET
def service_worker(request):
    response = HttpResponse(service_worker_source(), content_type="text/javascript")
    # Browsers check for a new worker on navigation; never serve a stale one.
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request):
    body = {
        # Indonesian whatever the interface language: the name under the home-screen icon.
        "name": "Pendamping PKH",
        "short_name": "Pendamping",
        "description": "Kunjungan rumah dan kehadiran P2K2, juga tanpa sinyal.",
        "lang": "id",
        "start_url": reverse("field:app"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#198754",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@role_required(*EVERY_ROLE)
def devices(request):
    """The offline phones the user may see: their own, or (supervisors, admins) those
    of the facilitators they oversee."""
    page = Paginator(selectors.device_scope(user=request.user), DEVICES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "field/devices.html", {"page": page})


@require_POST
@role_required(*EVERY_ROLE)
def device_revoke(request, pk: int):
    device = get_object_or_404(selectors.device_scope(user=request.user), pk=pk)
    if not may_revoke_device(request.user, device):
        raise PermissionDenied
    own = device.user_id == request.user.pk and device.session_key == request.session.session_key
    services.device_revoke(device=device, by=request.user)
    messages.success(
        request, _("Perangkat dicabut: HP itu menghapus data offline saat tersambung lagi.")
    )
    if own:
        # This very browser's session has just ended.
        return redirect("login")
    return redirect("field:devices")
