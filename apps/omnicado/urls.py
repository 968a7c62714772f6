from django.urls import path

from apps.omnicado import views

app_name = "omnicado"
urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/provider.pdf", views.invoice_provider_pdf, name="invoice_provider_pdf"),
    path("invoices/<int:pk>/print.pdf", views.invoice_print, name="invoice_print"),
    path("offsets/", views.offset_list, name="offsets"),
    path("offsets/<int:pk>/", views.offset_detail, name="offset"),
    path("offsets/<int:pk>/provider.pdf", views.offset_provider_pdf, name="offset_provider_pdf"),
]
