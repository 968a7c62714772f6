"""Datasets: one definition serves the HTMX table, the CSV/JSON export and the export command.

A Dataset names a queryset, its django-filter FilterSet and its columns. `dataset_view` renders
the full page or, for HTMX, only the `table` partial; `?export=csv|json` streams exactly the
filtered rows.
"""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property


@dataclass
class Column:
    key: str                         # name in ?sort= and in exports
    label: str
    field: str = ""                  # ORM path (default: key); also the sort expression
    kind: str = "text"               # text | number | money | date | datetime | badge | bool
    currency_field: str = ""         # for money: the attribute holding the currency
    sortable: bool = True
    link: Callable | None = None     # obj -> url, for the cell
    in_table: bool = True
    in_export: bool = True
    css: str = ""

    def __post_init__(self):
        self.field = self.field or self.key

    def value(self, obj):
        value = obj
        for part in self.field.split("__"):
            value = getattr(value, part, None) if not isinstance(value, dict) else value.get(part)
            if value is None:
                return None
        if callable(value):
            value = value()
        return value

    def currency(self, obj):
        return getattr(obj, self.currency_field, "") if self.currency_field else ""


@dataclass
class Dataset:
    name: str                        # "omnicado.invoices"
    label: str
    queryset: Callable               # () -> QuerySet (select_related included)
    filterset: type                  # django_filters.FilterSet
    columns: list[Column]
    default_sort: str = "-pk"
    per_page: int = 50
    # (filtered qs) -> [{currency, amount, count}]; int counts must add up to the rows (None: not)
    totals: Callable | None = None
    extra_export: list[Column] = field(default_factory=list)

    @property
    def export_columns(self):
        return [c for c in self.columns if c.in_export] + self.extra_export

    @property
    def table_columns(self):
        return [c for c in self.columns if c.in_table]

    def sort_fields(self, sort: str) -> tuple[str, list[str]]:
        """Validated ?sort= value (comma-separated, '-' for descending) -> ORM order_by."""
        by_key = {c.key: c for c in self.columns if c.sortable}
        order, accepted = [], []
        for part in (sort or self.default_sort).split(","):
            part = part.strip()
            desc = part.startswith("-")
            column = by_key.get(part.lstrip("-"))
            if column:
                order.append(("-" if desc else "") + column.field)
                accepted.append(part)
            elif part.lstrip("-") == "pk":
                order.append(part)
                accepted.append(part)
        if not order:
            return self.sort_fields(self.default_sort) if sort else ("", ["-pk"])
        if not any(o.lstrip("-") == "pk" for o in order):
            order.append("-pk" if order[0].startswith("-") else "pk")  # a stable page order
        return ",".join(accepted), order

    def filtered(self, data, *, request=None):
        """(filterset, filtered queryset); an invalid filter yields no rows, with form errors."""
        filterset = self.filterset(data or None, queryset=self.queryset(), request=request)
        if filterset.is_bound and not filterset.is_valid():
            return filterset, filterset.queryset.none()
        return filterset, filterset.qs


def export_value(column: Column, obj):
    value = column.value(obj)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class CountedPaginator(Paginator):
    """A paginator that can be told the count (already known from the totals)."""

    def __init__(self, object_list, per_page, count=None):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count if self.known_count is not None else super().count


def paginate(dataset: Dataset, queryset, number, totals=None):
    """One page in two steps: the page's ids (sorted and sliced through the indexes, no row
    bodies), then only those rows. When every total carries a count, they are the row count."""
    counted = totals is not None and all(isinstance(t.get("count"), int) for t in totals)
    known = sum(t["count"] for t in totals) if counted else None
    paginator = CountedPaginator(queryset.values_list("pk", flat=True), dataset.per_page, known)
    try:
        page = paginator.page(number or 1)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:  # past the end (rows went away since the link was made): the last page
        page = paginator.page(paginator.num_pages)
    ids = list(page.object_list)
    rows = dataset.queryset().in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


class _Echo:
    def write(self, value):
        return value


def export_rows(dataset: Dataset, queryset, fmt: str):
    """Yield the export text chunk by chunk: memory stays flat on any number of rows."""
    columns = dataset.export_columns
    rows = queryset.iterator(chunk_size=2000)
    if fmt == "csv":
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([c.key for c in columns])  # BOM: Excel reads UTF-8
        for obj in rows:
            yield writer.writerow([export_value(c, obj) for c in columns])
    elif fmt == "json":
        yield "["
        for i, obj in enumerate(rows):
            record = {c.key: export_value(c, obj) for c in columns}
            yield ("," if i else "") + "\n" + json.dumps(record, ensure_ascii=False, default=str)
        yield "\n]\n"
    else:
        raise ValueError(f"Unknown export format '{fmt}' (csv or json).")


def export_response(dataset: Dataset, queryset, fmt: str):
    content_type = {"csv": "text/csv; charset=utf-8", "json": "application/json"}[fmt]
    response = StreamingHttpResponse(export_rows(dataset, queryset, fmt), content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{dataset.name}-{stamp}.{fmt}"'
    return response


def dataset_view(request, dataset: Dataset, template: str, extra_context=None,
                 partial: str = "core/_table.html"):
    """One view for the full page, the HTMX partial it includes (filters' target) and exports."""
    filterset, queryset = dataset.filtered(request.GET, request=request)
    sort, order = dataset.sort_fields(request.GET.get("sort", ""))
    queryset = queryset.order_by(*order)
    fmt = request.GET.get("export")
    if fmt in ("csv", "json"):
        if not request.user.has_perm("core.export"):
            raise PermissionDenied("Your role cannot export.")
        return export_response(dataset, queryset, fmt)
    totals = dataset.totals(queryset) if dataset.totals else None
    page = paginate(dataset, queryset, request.GET.get("page"), totals)
    context = {
        "dataset": dataset,
        "filter": filterset,
        "page": page,
        "columns": dataset.table_columns,
        "sort": sort,
        "totals": totals,
        **(extra_context or {}),
    }
    if request.htmx and not request.htmx.boosted:
        template = partial
    return render(request, template, context)
