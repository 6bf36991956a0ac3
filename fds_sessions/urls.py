from django.urls import path  # noqa: F401

app_name = "fds_sessions"
urlpatterns: list = []
