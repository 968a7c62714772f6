from apps.core.tables import Column, Dataset
from apps.omnicado.filters import InvoiceFilter, OffsetFilter
from apps.omnicado.selectors import invoice_queryset, offset_queryset, totals_by_currency

invoices = Dataset(
    name="omnicado.invoices",
    label="Marketplace invoices",
    queryset=invoice_queryset,
    filterset=InvoiceFilter,
    default_sort="-created_on",
    columns=[
        Column("invoice_number", "Number", kind="number", link=lambda invoice: invoice.get_absolute_url()),
        Column("created_on", "Created", kind="date"),
        Column("delivered_on", "Delivered", kind="date"),
        Column("due_on", "Due", kind="date"),
        Column("partner", "Partner"),
        Column("customer", "Customer", field="customer_name"),
        Column("invoice_type", "Type"),
        Column("document_type", "Document"),
        Column("purch_no_c", "Purchase no.", in_table=False),
        Column("currency", "Currency"),
        Column("total", "Total", kind="money", currency_field="currency"),
        Column("consistent", "Adds up", kind="bool"),
        Column("connection", "Connection", field="connection__name"),
    ],
    totals=lambda qs: totals_by_currency(qs, "total"),
)

offsets = Dataset(
    name="omnicado.offsets",
    label="Offsets",
    queryset=offset_queryset,
    filterset=OffsetFilter,
    default_sort="-created_on",
    columns=[
        Column("document_number", "Document", link=lambda offset: offset.get_absolute_url()),
        Column("created_on", "Created", kind="date"),
        Column("due_on", "Due", kind="date"),
        Column("partner", "Partner"),
        Column("variable_symbol", "Variable symbol", kind="number"),
        Column("invoice_count", "Invoices", kind="number"),
        Column("order_count", "Orders", kind="number"),
        Column("currency", "Currency"),
        Column("diff_price", "Balance", kind="money", currency_field="currency"),
        Column("connection", "Connection", field="connection__name"),
    ],
    totals=lambda qs: totals_by_currency(qs, "diff_price"),
)
