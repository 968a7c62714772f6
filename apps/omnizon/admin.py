from django.contrib import admin
from django.utils.html import format_html

from apps.core.admin import ReadOnlyAdmin
from apps.omnizon.models import (
    ArchiveUsage,
    Document,
    DocumentEvent,
    DocumentLine,
    DocumentVat,
    Upload,
    UsageMonth,
)


class LineInline(admin.TabularInline):
    model = DocumentLine
    extra = 0
    can_delete = False
    fields = ["position", "description", "quantity", "unit", "unit_price", "net_amount",
              "vat_category", "vat_rate"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class VatInline(LineInline):
    model = DocumentVat
    fields = ["category", "rate", "taxable_amount", "tax_amount", "exemption_reason"]
    readonly_fields = fields


class EventInline(LineInline):
    model = DocumentEvent
    fields = ["at", "kind", "internal_status", "external_status", "message", "user"]
    readonly_fields = fields


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "direction", "company_vat", "supplier_name", "customer_name",
                    "amount", "currency", "issue_date", "internal_status", "external_status",
                    "state", "has_error", "connection"]
    list_filter = ["direction", "state", "internal_status", "external_status", "currency",
                   "has_pdf", "connection"]
    search_fields = ["number", "document_id", "supplier_name", "customer_name", "supplier_vat",
                     "customer_vat"]
    date_hierarchy = "issue_date"
    list_select_related = ["connection"]
    inlines = [LineInline, VatInline, EventInline]
    exclude = ["raw", "details"]
    readonly_fields = ["page_link", "pretty_details"]

    @admin.display(boolean=True, description="Error")
    def has_error(self, obj):
        return bool(obj.error)

    @admin.display(description="Ledgerdesk page")
    def page_link(self, obj):
        return format_html('<a href="/omnizon/documents/{}/">open with the PDF</a>', obj.pk)

    @admin.display(description="Parsed invoice")
    def pretty_details(self, obj):
        return format_html("<pre>{}</pre>", obj.details)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw")


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "number", "company_vat", "state", "document", "created_by",
                    "created_at"]
    list_filter = ["state", "connection"]
    search_fields = ["file_name", "number", "sha256"]
    exclude = ["content"]
    list_select_related = ["document", "created_by"]


@admin.register(UsageMonth)
class UsageMonthAdmin(ReadOnlyAdmin):
    list_display = ["company_vat", "month", "documents_in", "documents_out", "documents_total",
                    "connection", "synced_at"]
    list_filter = ["connection", "company_vat"]


@admin.register(ArchiveUsage)
class ArchiveUsageAdmin(ReadOnlyAdmin):
    list_display = ["company_vat", "archive_bytes", "connection", "synced_at"]
