from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("baru/", views.import_create, name="create"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/status/", views.import_status, name="status"),
    path("<int:pk>/konfirmasi/", views.import_confirm, name="confirm"),
    path("<int:pk>/batal/", views.import_cancel, name="cancel"),
    path("<int:pk>/ulangi/", views.import_retry, name="retry"),
    path("<int:pk>/ulangi-pembaruan/", views.import_derived_retry, name="derived_retry"),
    path("<int:pk>/laporan/<str:kind>.<str:fmt>", views.import_report, name="report"),
]
