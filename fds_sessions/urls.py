from django.urls import path

from fds_sessions import views

app_name = "fds_sessions"
urlpatterns = [
    path("", views.group_list, name="group_list"),
    path("kelompok/baru/", views.group_create, name="group_create"),
    path("kelompok/<int:pk>/", views.group_detail, name="group_detail"),
    path("kelompok/<int:pk>/ubah/", views.group_edit, name="group_edit"),
    path("kelompok/<int:pk>/keluarga/", views.group_families, name="group_families"),
    path("kelompok/<int:pk>/pertemuan/baru/", views.session_plan, name="session_plan"),
    path("pertemuan/<int:pk>/", views.session_detail, name="session_detail"),
    path("pertemuan/<int:pk>/ubah/", views.session_edit, name="session_edit"),
    path("pertemuan/<int:pk>/batal/", views.session_cancel, name="session_cancel"),
    path("pertemuan/<int:pk>/kehadiran/", views.session_attendance, name="session_attendance"),
    path(
        "pertemuan/<int:pk>/foto/<str:size>/",
        views.session_photo,
        name="session_photo",
    ),
    path("modul/", views.module_list, name="module_list"),
    path("modul/baru/", views.module_create, name="module_create"),
    path("modul/<int:pk>/", views.module_edit, name="module_edit"),
    path("modul/<int:pk>/sesi/baru/", views.module_session_create, name="module_session_create"),
    path("modul/sesi/<int:pk>/", views.module_session_edit, name="module_session_edit"),
]
