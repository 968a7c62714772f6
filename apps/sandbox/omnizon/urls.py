from django.urls import path

from apps.sandbox.omnizon import views

DOCS = "rest/v1/documents/"
urlpatterns = [
    path(DOCS + "inbox", views.inbox),
    path(DOCS + "inbox/status", views.inbox_status),
    path(DOCS + "outbox/status", views.outbox_status),
    path(DOCS + "getByExternalStatus", views.by_external_status),
    path(DOCS + "getByNumber", views.by_number),
    path(DOCS + "get", views.get_document),
    path(DOCS + "getPdf", views.get_pdf),
    path(DOCS + "getStatus", views.get_status),
    path(DOCS + "getInternalStatus", views.get_internal_status),
    path(DOCS + "getLatestFiscalizationStatus", views.latest_fiscalization),
    path(DOCS + "ack", views.ack),
    path(DOCS + "archive", views.archive),
    path(DOCS + "getFromArchive", views.get_from_archive),
    path(DOCS + "send", views.send),
    path("rest/v1/billing/monthly-usage", views.monthly_usage),
    path("rest/v1/billing/archive-usage", views.archive_usage),
]
