from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from apps.core import registry
from apps.core.models import Connection, SyncRun
from apps.core.sync import SyncAlreadyRunning, sync_run_now


class Command(BaseCommand):
    help = "Sync a connection in the foreground and print a summary (exit 1 on failure)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Connection name.")
        parser.add_argument("--stream", help="Only this stream (default: all).")
        parser.add_argument("--full", action="store_true", help="Everything, not just new.")
        parser.add_argument("--since", help="Start of the window (YYYY-MM-DD or ISO datetime).")

    def handle(self, *args, name, stream, full, since, **options):
        connection = Connection.objects.filter(name=name).first()
        if connection is None:
            raise CommandError(f"No connection named '{name}'.")
        try:
            spec = registry.get(connection.provider)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if stream and stream not in spec.streams:
            raise CommandError(f"{spec.label} has no stream '{stream}'. "
                               f"Streams: {', '.join(spec.streams)}.")
        since_at = _parse_since(since) if since else None
        failed = False
        for stream_name in [stream] if stream else list(spec.streams):
            try:
                run = sync_run_now(connection=connection, stream=stream_name, full=full,
                                   since=since_at)
            except SyncAlreadyRunning as exc:
                self.stderr.write(str(exc))
                failed = True
                continue
            self.stdout.write(_summary(run))
            failed |= run.status != SyncRun.Status.SUCCEEDED
        if failed:
            raise CommandError("Sync failed (see above).", returncode=1)


def _parse_since(value):
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since: '{value}' is not a date (YYYY-MM-DD) or ISO datetime.")
        moment = datetime.combine(day, time.min)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _summary(run: SyncRun) -> str:
    elapsed = run.elapsed.total_seconds() if run.elapsed else 0
    line = (f"{run.connection.name}/{run.stream}: {run.status} — {run.pages} pages, "
            f"{run.created} new, {run.updated} changed, {run.unchanged} unchanged in "
            f"{elapsed:.1f}s (fetch {run.fetch_seconds:.1f}s, write {run.write_seconds:.1f}s)")
    if run.resumed:
        line += " [resumed]"
    if run.error_kind:
        line += f"\n  {run.error_kind}: {run.error_message}"
    return line
