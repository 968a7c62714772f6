from django.urls import path

from apps.sandbox.ovipro import views

INVOICE = "invoice/v1/"
urlpatterns = [
    path("authentication/v1/token", views.token),
    path(INVOICE + "invoices", views.invoices),
    path(INVOICE + "invoices/<str:invoice_id>", views.invoice_detail),
    path(INVOICE + "invoices/<str:invoice_id>/actions", views.actions),
    path(INVOICE + "invoices/<str:invoice_id>/creditNotes", views.credit_notes),
    path(INVOICE + "invoices/<str:invoice_id>/previewDocument", views.preview),
    path(INVOICE + "invoices/<str:invoice_id>/finalStatusOverride", views.final_status),
    path(INVOICE + "agencyOfficeInvoiceSettings", views.office_settings),
    path(INVOICE + "invoiceNumbering", views.numbering),
    path(INVOICE + "invoiceNumbering/reset", views.numbering_reset),
    path("document/v1/documents/<str:document_id>/content", views.document_content),
]
