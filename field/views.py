"""Offline field work: the app shell, the caseload copy for the phone, the sync
endpoint, the service worker and the web app manifest (docs/offline.md)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from field import selectors, services
from field.sw import service_worker_source
from households.models import Relationship, Sex
from pkh.permissions import FACILITATORS, is_facilitator, role_required


def _json_facilitator(view):
    """Signed-in facilitators only; a JSON 401/403 instead of a redirect to the login
    page, which a script could not tell from data."""

    @login_not_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"error": "signed_out"}, status=401)
        if not is_facilitator(request.user):
            return JsonResponse({"error": "forbidden"}, status=403)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


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
    """Who is signed in, and a fresh CSRF token for the sync requests."""
    return JsonResponse({"username": request.user.get_username(), "csrf": get_token(request)})


@require_GET
@_json_facilitator
def data(request):
    return JsonResponse(selectors.caseload_snapshot(user=request.user))


@require_POST
@_json_facilitator
def sync(request):
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
