from django.urls import path

from apps.core import views

app_name = "core"
urlpatterns = [
    path("", views.sync_history, name="sync_history"),
    path("<int:pk>/", views.sync_run_detail, name="sync_run"),
    path("start/<int:connection_id>/", views.sync_start, name="sync_start"),
    path("audit/", views.audit_log, name="audit_log"),
]
