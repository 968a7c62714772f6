from django.contrib import admin

from apps.omnium.models import Account, LedgerLine, Posting


class ReadOnlySynced(admin.ModelAdmin):
    """Synced from Omnium: nothing here is edited by hand (the next sync would overwrite it)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LedgerLineInline(admin.TabularInline):
    model = LedgerLine
    fields = ["line_sequence", "account_number", "account_name", "category", "debit", "credit",
              "vat_code", "tax_group_code", "description"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["line_sequence"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Posting)
class PostingAdmin(ReadOnlySynced):
    list_display = ["provider_id", "posting_date", "source", "store_id", "register_id", "status",
                    "currency", "total_debit", "total_credit", "imbalance", "auto_balanced",
                    "in_totals", "connection"]
    list_filter = ["connection", "status", "source", "auto_balanced", "in_totals", "currency",
                   "accounting_company_code", ("posting_date", admin.DateFieldListFilter)]
    search_fields = ["provider_id", "z_report_id", "external_reference", "store_id", "register_id"]
    date_hierarchy = "posting_date"
    list_select_related = ["connection"]
    show_full_result_count = False
    inlines = [LedgerLineInline]


@admin.register(LedgerLine)
class LedgerLineAdmin(ReadOnlySynced):
    list_display = ["provider_id", "posting_date", "account_number", "account_name", "category",
                    "debit", "credit", "currency", "store_id", "in_totals"]
    list_filter = ["connection", "category", "currency", "source", "in_totals", "tax_group_code",
                   ("posting_date", admin.DateFieldListFilter)]
    search_fields = ["provider_id", "account_number", "customer_number", "invoice_number",
                     "posting__provider_id"]
    list_select_related = ["posting", "connection"]
    raw_id_fields = ["posting"]
    show_full_result_count = False


@admin.register(Account)
class AccountAdmin(ReadOnlySynced):
    list_display = ["account_number", "account_name", "category", "currency", "connection"]
    list_filter = ["connection", "currency", "category"]
    search_fields = ["account_number", "account_name"]
