from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("tim/", views.team_board, name="board"),
    path("keluarga/<int:pk>/baru/", views.complaint_create, name="create"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/kasus/", views.complaint_open_case, name="open_case"),
    path("<int:pk>/foto/<str:size>/", views.complaint_photo, name="photo"),
]
