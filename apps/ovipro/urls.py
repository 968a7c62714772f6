from django.urls import path

from apps.ovipro import views

app_name = "ovipro"
urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/new/", views.invoice_new, name="invoice_new"),
    path("invoices/totals/", views.invoice_totals_preview, name="invoice_totals"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/edit/", views.invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/delete/", views.invoice_delete, name="invoice_delete"),
    path("invoices/<int:pk>/actions/<str:action>/", views.invoice_action, name="invoice_action"),
    path("invoices/<int:pk>/credit/", views.invoice_credit, name="invoice_credit"),
    path("invoices/<int:pk>/refresh/", views.invoice_refresh, name="invoice_refresh"),
    path("invoices/<int:pk>/preview/", views.provider_preview, name="provider_preview"),
    path("invoices/<int:pk>/documents/<str:document_id>.pdf", views.provider_document,
         name="provider_document"),
    path("invoices/<int:pk>/draft.pdf", views.draft_pdf, name="draft_pdf"),
    path("offices/", views.offices, name="offices"),
    path("offices/<int:connection_id>/<str:office_id>/", views.office, name="office"),
    path("offices/<int:connection_id>/<str:office_id>/reset/", views.office_numbering_reset,
         name="office_numbering_reset"),
]
