from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from apps.core.connections import connection_add, connection_test
from apps.core.crypto import CredentialsUnreadable
from apps.core.forms import parse_credentials
from apps.core.models import Connection, provider_choices


class Command(BaseCommand):
    help = "Add, list and test provider connections."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="Add a connection.")
        add.add_argument("--provider", required=True,
                         choices=[key for key, _ in provider_choices()])
        add.add_argument("--name", required=True)
        add.add_argument("--base-url", required=True)
        add.add_argument("--credential", action="append", default=[], metavar="NAME=VALUE")
        add.add_argument("--option", action="append", default=[], metavar="NAME=VALUE")
        sub.add_parser("list", help="List connections.")
        test = sub.add_parser("test", help="Make one authenticated call.")
        test.add_argument("name")

    def handle(self, *args, verb, **options):
        return getattr(self, f"handle_{verb}")(**options)

    def handle_add(self, *, provider, name, base_url, credential, option, **_):
        try:
            connection = connection_add(
                provider=provider, name=name, base_url=base_url,
                credentials=parse_credentials(credential), options=parse_credentials(option),
            )
        except IntegrityError:
            raise CommandError(f"A connection named '{name}' already exists.") from None
        except Exception as exc:  # validation errors of every kind: one line, no traceback
            raise CommandError(_one_line(exc)) from None
        self.stdout.write(f"Added {connection.name} ({connection.provider}) -> {connection.base_url}")

    def handle_list(self, **_):
        rows = Connection.objects.order_by("provider", "name")
        if not rows:
            self.stdout.write("No connections.")
        for c in rows:
            try:
                creds = ", ".join(f"{n}=***" for n in c.credential_names) or "none"
            except CredentialsUnreadable:
                creds = "unreadable"
            state = "enabled" if c.enabled else "disabled"
            self.stdout.write(f"{c.name:24} {c.provider:9} {state:8} {c.base_url}  [{creds}]")

    def handle_test(self, *, name, **_):
        connection = Connection.objects.filter(name=name).first()
        if connection is None:
            raise CommandError(f"No connection named '{name}'.")
        ok, text = connection_test(connection=connection)
        if not ok:
            raise CommandError(text)
        self.stdout.write(f"OK: {text}")


def _one_line(exc) -> str:
    messages = getattr(exc, "message_dict", None)
    if messages:
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in messages.items())
    return " ".join(getattr(exc, "messages", [str(exc)]))
