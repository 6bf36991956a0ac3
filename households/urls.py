from django.urls import path

from households import views

app_name = "households"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("hapus-pencarian/", views.caseload_search_clear, name="search_clear"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/ubah/", views.household_edit, name="edit"),
    path("<int:pk>/anggota/baru/", views.member_create, name="member_create"),
    path("<int:pk>/anggota/<int:member_pk>/", views.member_edit, name="member_edit"),
    path("<int:pk>/kunjungan/baru/", views.visit_create, name="visit_create"),
    path("kunjungan/<int:pk>/ubah/", views.visit_edit, name="visit_edit"),
    path("tim/", views.team_overview, name="team_overview"),
    path("pindah/", views.transfer, name="transfer"),
    path("pindah/riwayat/", views.transfer_history, name="transfer_history"),
]
