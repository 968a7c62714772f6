from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.omnicado.models import (
    Invoice,
    InvoiceItem,
    InvoiceTax,
    Offset,
    OffsetInvoice,
    OffsetOrder,
    ProviderPdf,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InvoiceItemInline(ReadOnlyInline):
    model = InvoiceItem
    fields = ["position", "product_id", "title", "order_id", "quantity", "unit_price", "vat_rate",
              "price_without_vat", "total_price"]


class InvoiceTaxInline(ReadOnlyInline):
    model = InvoiceTax
    fields = ["rate", "base", "vat", "total"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["invoice_number", "connection", "partner", "created_on", "due_on",
                    "customer_name", "invoice_type", "currency", "total", "consistent"]
    list_filter = ["connection", "currency", "invoice_type", "document_type", "consistent",
                   "partner", "customer_name"]
    search_fields = ["=invoice_number", "=purch_no_c", "supplier_name", "customer_name"]
    date_hierarchy = "created_on"
    list_select_related = ["connection"]
    show_full_result_count = False
    inlines = [InvoiceItemInline, InvoiceTaxInline]


class OffsetInvoiceInline(ReadOnlyInline):
    model = OffsetInvoice
    fields = ["position", "invoice_number", "created_on", "sum_price", "offset_price",
              "remain_price", "currency", "purch_no_c", "note"]


class OffsetOrderInline(ReadOnlyInline):
    model = OffsetOrder
    fields = ["position", "order_id", "created_on", "sum_price", "offset_price", "remain_price",
              "currency"]


@admin.register(Offset)
class OffsetAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "connection", "partner", "created_on", "due_on",
                    "variable_symbol", "currency", "diff_price", "invoice_count", "order_count"]
    list_filter = ["connection", "currency", "partner"]
    search_fields = ["=document_number", "=variable_symbol", "supplier_name"]
    date_hierarchy = "created_on"
    list_select_related = ["connection"]
    show_full_result_count = False
    inlines = [OffsetInvoiceInline, OffsetOrderInline]


@admin.register(ProviderPdf)
class ProviderPdfAdmin(ReadOnlyAdmin):
    list_display = ["filename", "connection", "kind", "document_key", "fetched_at"]
    list_filter = ["kind", "connection"]
    search_fields = ["=document_key", "filename"]
    exclude = ["content"]
    list_select_related = ["connection"]
