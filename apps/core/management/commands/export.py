import os
import sys

from django.core.management.base import BaseCommand, CommandError

from apps.core import registry
from apps.core.models import Connection
from apps.core.tables import export_rows


class Command(BaseCommand):
    help = "Export a dataset (e.g. omnicado.invoices) to stdout as CSV or JSON."

    def add_arguments(self, parser):
        parser.add_argument("dataset")
        parser.add_argument("--connection", help="Only rows of this connection.")
        parser.add_argument("--filter", action="append", default=[], metavar="FIELD=VALUE",
                            help="A filter of the dataset's page, e.g. currency=EUR.")
        parser.add_argument("--sort", default="", help="Columns, '-' for descending.")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, dataset, connection, filter, sort, format, **options):
        try:
            ds = registry.dataset(dataset)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        params = {}
        for item in filter:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--filter expects FIELD=VALUE, got '{item}'.")
            params[key] = value
        unknown = set(params) - set(ds.filterset.base_filters)
        if unknown:
            raise CommandError(f"Unknown filter(s) {', '.join(sorted(unknown))}. "
                               f"Filters: {', '.join(ds.filterset.base_filters)}.")
        filterset, queryset = ds.filtered(params)
        if filterset.is_bound and not filterset.is_valid():
            raise CommandError("Bad filter: " + "; ".join(
                f"{k}: {' '.join(v)}" for k, v in filterset.errors.items()))
        if connection:
            conn = Connection.objects.filter(name=connection).first()
            if conn is None:
                raise CommandError(f"No connection named '{connection}'.")
            queryset = queryset.filter(connection=conn)
        _, order = ds.sort_fields(sort)
        try:
            for chunk in export_rows(ds, queryset.order_by(*order), format):
                sys.stdout.write(chunk.lstrip("\ufeff"))
            sys.stdout.flush()
        except BrokenPipeError:  # `export … | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
