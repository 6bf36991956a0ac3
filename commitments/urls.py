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
    path("<str:month>/<str:kind>/<int:pk>/", views.sheet, name="sheet"),
]
