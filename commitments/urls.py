from django.urls import path

from commitments import views

app_name = "commitments"
urlpatterns = [
    path("", views.month, name="month"),
    path("tim/", views.team, name="team"),
    path("anggota/<int:member_pk>/<str:sector>/", views.enrolment, name="enrolment"),
    path("tempat/baru/<str:kind>/", views.place_create, name="place_create"),
    path("sanksi/keluarga/<int:pk>/", views.sanction_propose, name="sanction_propose"),
    path("sanksi/<int:pk>/", views.sanction_detail, name="sanction_detail"),
    path("impor/", views.sheet_import_create, name="sheet_import_create"),
    path("impor/<int:pk>/", views.sheet_import_detail, name="sheet_import_detail"),
    path("impor/<int:pk>/konfirmasi/", views.sheet_import_confirm, name="sheet_import_confirm"),
    path("impor/<int:pk>/batal/", views.sheet_import_cancel, name="sheet_import_cancel"),
    path("impor/<int:pk>/laporan.csv", views.sheet_import_report, name="sheet_import_report"),
    path(
        "impor/<int:pk>/laporan.xlsx",
        views.sheet_import_report,
        {"fmt": "xlsx"},
        name="sheet_import_report_xlsx",
    ),
    path("<str:month>/<str:kind>/<int:pk>/", views.sheet, name="sheet"),
]
