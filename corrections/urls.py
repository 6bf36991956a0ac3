from django.urls import path

from corrections import views

app_name = "corrections"
urlpatterns = [
    path("", views.correction_list, name="list"),
    path("<int:pk>/", views.correction_detail, name="detail"),
    path("<int:pk>/setujui/", views.correction_approve, name="approve"),
    path("<int:pk>/kembalikan/", views.correction_return, name="return"),
    path("<int:pk>/tarik/", views.correction_withdraw, name="withdraw"),
    path("<int:pk>/foto/", views.correction_photo, name="photo"),
    path("keluarga/<int:pk>/anggota-baru/", views.propose_member_add, name="propose_member_add"),
    path(
        "keluarga/<int:pk>/anggota/<int:member_pk>/keluar/",
        views.propose_member_leave,
        name="propose_member_leave",
    ),
    path(
        "keluarga/<int:pk>/anggota/<int:member_pk>/identitas/",
        views.propose_member_identity,
        name="propose_member_identity",
    ),
    path("keluarga/<int:pk>/no-kk/", views.propose_no_kk, name="propose_no_kk"),
    path("keluarga/<int:pk>/pindah-desa/", views.propose_village_move, name="propose_village"),
    path("ekspor/", views.export, name="export"),
    path("ekspor/<int:pk>/<str:fmt>/", views.export_download, name="export_download"),
]
