from django.urls import path

from apps.sandbox.omnicado import views

urlpatterns = [
    path("v1/invoices", views.invoice_list, name="omnicado_invoices"),
    path("v1/invoices/<str:number>", views.invoice_detail, name="omnicado_invoice"),
    path("v1/invoices/<str:number>/download", views.invoice_download,
         name="omnicado_invoice_download"),
    path("v1/offsets", views.offset_list, name="omnicado_offsets"),
    path("v1/offsets/<str:document_number>", views.offset_detail, name="omnicado_offset"),
    path("v1/offsets/<str:document_number>/download", views.offset_download,
         name="omnicado_offset_download"),
]
