from django.urls import path

from assistance import views

app_name = "assistance"
urlpatterns = [
    path("", views.gap, name="gap"),
    path("kesenjangan.xlsx", views.gap_export, name="gap_export"),
    path("cakupan/", views.coverage, name="coverage"),
    path("katalog/", views.catalogue, name="catalogue"),
    path("katalog/baru/", views.aid_edit, name="aid_create"),
    path("katalog/<str:code>/ubah/", views.aid_edit, name="aid_edit"),
    path("keluarga/<int:pk>/<str:code>/", views.aid_status_edit, name="status_edit"),
    path(
        "keluarga/<int:pk>/<str:code>/<int:member_pk>/",
        views.aid_status_edit,
        name="member_status_edit",
    ),
    path("keluarga/<int:pk>/kasus/baru/", views.case_open, name="case_open"),
    path("kasus/", views.case_list, name="cases"),
    path("kasus/<int:pk>/", views.case_detail, name="case_detail"),
    path("sistem-sumber/", views.resource_list, name="resources"),
    path("sistem-sumber/baru/", views.resource_edit, name="resource_create"),
    path("sistem-sumber/<int:pk>/ubah/", views.resource_edit, name="resource_edit"),
]
