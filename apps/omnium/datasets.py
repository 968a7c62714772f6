from django.urls import reverse

from apps.core.tables import Column, Dataset
from apps.omnium import selectors
from apps.omnium.filters import LedgerLineFilter, PostingFilter


def _posting_url(posting):
    return reverse("omnium:posting", args=[posting.pk])


def _line_posting_url(line):
    return reverse("omnium:posting", args=[line.posting_id])


postings = Dataset(
    name="omnium.postings",
    label="Omnium postings",
    queryset=selectors.postings_queryset,
    filterset=PostingFilter,
    default_sort="-posting_date",
    totals=selectors.postings_totals,
    columns=[
        Column("posting_date", "Date", kind="date"),
        Column("id", "Posting", field="provider_id", link=_posting_url),
        Column("source", "Source"),
        Column("store", "Store", field="store_id"),
        Column("register", "Register", field="register_id"),
        Column("z_report_number", "Z-report", kind="number"),
        Column("status", "Status", kind="badge"),
        Column("currency", "Cur."),
        Column("total_debit", "Debit", kind="money", currency_field="currency"),
        Column("total_credit", "Credit", kind="money", currency_field="currency"),
        Column("imbalance", "Imbalance", kind="money", currency_field="currency"),
        Column("auto_balanced", "Auto-bal.", kind="bool"),
        Column("line_count", "Lines", kind="number"),
        Column("in_totals", "Counts", kind="bool", sortable=False),
        Column("external_reference", "ERP voucher"),
        Column("company", "Company", field="accounting_company_code"),
        Column("z_report_id", "Z-report id", in_table=False),
        Column("supersedes", "Supersedes", field="supersedes_posting_id", in_table=False),
        Column("superseded_by", "Superseded by", in_table=False),
        Column("created_at", "Created", kind="datetime", in_table=False),
        Column("exported_at", "Exported", kind="datetime", in_table=False),
        Column("connection", "Connection", field="connection__name", in_table=False),
    ],
)

ledger_lines = Dataset(
    name="omnium.ledger_lines",
    label="Omnium ledger lines",
    queryset=selectors.lines_queryset,
    filterset=LedgerLineFilter,
    default_sort="-posting_date",
    totals=selectors.lines_totals,
    columns=[
        Column("posting_date", "Date", kind="date"),
        Column("posting", "Posting", field="posting__provider_id", link=_line_posting_url),
        Column("line", "#", field="line_sequence", kind="number", sortable=False),
        Column("store", "Store", field="store_id"),
        Column("register", "Register", field="register_id"),
        Column("account", "Account", field="account_number"),
        Column("account_name", "Account name", sortable=False),
        Column("category", "Category"),
        Column("description", "Description", sortable=False),
        Column("debit", "Debit", kind="money", currency_field="currency"),
        Column("credit", "Credit", kind="money", currency_field="currency"),
        Column("currency", "Cur."),
        Column("vat_code", "VAT", sortable=False),
        Column("vat_rate", "VAT %", kind="number", sortable=False),
        Column("tax_group", "Tax group", field="tax_group_code", sortable=False),
        Column("customer", "Customer", field="customer_number", sortable=False),
        Column("invoice", "Invoice", field="invoice_number", sortable=False),
        Column("posting_status", "Posting status", field="posting__status", kind="badge",
               sortable=False),
        Column("line_id", "Line id", field="provider_id", in_table=False),
        Column("vat_amount", "VAT amount", kind="money", currency_field="currency",
               in_table=False),
        Column("source", "Source", in_table=False),
        Column("company", "Company", field="accounting_company_code", in_table=False),
        Column("kid", "KID", field="kid_number", in_table=False),
        Column("dimensions", "Dimensions", field="dimensions_json", in_table=False),
        Column("counts", "Counts", field="in_totals", kind="bool", in_table=False),
        Column("connection", "Connection", field="connection__name", in_table=False),
    ],
)
