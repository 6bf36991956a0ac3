from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("home.urls")),
    path("", include("field.urls")),
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("bahasa/", login_not_required(set_language), name="set_language"),
    path("akun/", include("accounts.urls")),
    path("notifikasi/", include("notifications.urls")),
    path("keluarga/", include("households.urls")),
    path("bansos/", include("assistance.urls")),
    path("p2k2/", include("fds_sessions.urls")),
    path("komitmen/", include("commitments.urls")),
    path("graduasi/", include("graduation.urls")),
    path("koreksi/", include("corrections.urls")),
    path("pengaduan/", include("complaints.urls")),
    path("impor/", include("imports.urls")),
    path("laporan/", include("reports.urls")),
    path("sistem/", admin.site.urls),
]

# A plain page for server errors; 503 with Retry-After when the database is unreachable.
handler500 = "pkh.views.server_error"
# 400, 403 and 404 in the same frame, rendered without the database (pkh/views.py).
handler400 = "pkh.views.bad_request"
handler403 = "pkh.views.permission_denied"
handler404 = "pkh.views.page_not_found"
