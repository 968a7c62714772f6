import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from apps.core import registry
from apps.core.roles import grant_administrator_everything
from apps.core.sync import SyncAlreadyRunning, sync_run_now

DEMO_USER = "demo"
DEMO_PASSWORD = "ledgerdesk-demo"


class Command(BaseCommand):
    help = "Sandbox connections with data for every provider, and a demo administrator login."

    def add_arguments(self, parser):
        parser.add_argument("--no-sync", action="store_true", help="Create, but do not sync.")

    def handle(self, *args, no_sync=False, **options):
        logging.getLogger("ledgerdesk.http").setLevel(logging.WARNING)  # a summary, not a trace
        grant_administrator_everything()
        user, _ = get_user_model().objects.get_or_create(
            username=DEMO_USER, defaults={"email": "demo@example.com"}
        )
        user.is_staff = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name="administrator"))
        for spec in registry.all_providers():
            if spec.demo is None:
                continue
            connection = spec.demo()
            self.stdout.write(f"{spec.label}: connection '{connection.name}' -> {connection.base_url}")
            if no_sync:
                continue
            for stream in spec.streams:
                try:
                    run = sync_run_now(connection=connection, stream=stream, trigger="demo")
                except SyncAlreadyRunning as exc:
                    self.stdout.write(f"  {exc}")
                    continue
                self.stdout.write(f"  {stream}: {run.status}, {run.rows} rows"
                                  + (f" — {run.error_message}" if run.error_message else ""))
        self.stdout.write(self.style.SUCCESS(
            f"\nDemo login:  username '{DEMO_USER}'  password '{DEMO_PASSWORD}'"
        ))
