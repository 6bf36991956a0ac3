from django.urls import path

from field import views

app_name = "field"
urlpatterns = [
    path("lapangan/", views.app, name="app"),
    path("lapangan/status/", views.status, name="status"),
    path("lapangan/data/", views.data, name="data"),
    path("lapangan/kirim/", views.sync, name="sync"),
    path("lapangan/perangkat/", views.devices, name="devices"),
    path("lapangan/perangkat/<int:pk>/cabut/", views.device_revoke, name="device_revoke"),
    # At the root, so that the worker's scope covers every page.
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
