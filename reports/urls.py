from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("daftar/", views.report_list, name="list"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/unduh.xlsx", views.report_download, {"fmt": "xlsx"}, name="detail_xlsx"),
    path("<int:pk>/unduh.pdf", views.report_download, {"fmt": "pdf"}, name="detail_pdf"),
    path("<int:pk>/buat-ulang/", views.report_regenerate, name="regenerate"),
    path("tim/", views.team, name="team"),
    path("tim/unduh.xlsx", views.team_download, {"fmt": "xlsx"}, name="team_xlsx"),
    path("tim/unduh.pdf", views.team_download, {"fmt": "pdf"}, name="team_pdf"),
    path("wilayah/", views.district, name="district"),
    path("proses/", views.run_list, name="runs"),
    path("proses/mulai/", views.run_start, name="run_start"),
    path("proses/<int:pk>/", views.run_detail, name="run_detail"),
    path("proses/<int:pk>/lanjutkan/", views.run_resume, name="run_resume"),
    path("proses/item/<int:pk>/ulang/", views.item_rerun, name="item_rerun"),
]
