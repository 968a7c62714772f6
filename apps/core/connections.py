"""Connection services: add, test."""

from apps.core import registry
from apps.core.audit import audit_record
from apps.core.http import ProviderError
from apps.core.models import AuditEvent, Connection


def connection_add(*, provider: str, name: str, base_url: str, credentials: dict,
                   options: dict | None = None) -> Connection:
    spec = registry.get(provider)
    missing = [f for f in spec.credential_fields if f not in credentials]
    if missing:
        raise ValueError(f"{spec.label} needs credential(s): {', '.join(missing)}.")
    connection = Connection(provider=provider, name=name, base_url=base_url,
                            options=options or {})
    connection.credentials = credentials
    connection.full_clean(exclude=["credentials_encrypted"])
    connection.save()
    return connection


def connection_test(*, connection: Connection, user=None) -> tuple[bool, str]:
    """Make one cheap authenticated call. Returns (ok, what staff should read)."""
    spec = registry.get(connection.provider)
    if spec.test_connection is None:
        return False, f"{spec.label} has no connection test."
    try:
        with spec.client_class(connection) as client:
            text = spec.test_connection(client)
        ok = True
    except ProviderError as exc:
        ok, text = False, f"{exc.kind}: {exc}"
        if exc.kind == "configuration":
            text += " — check the credentials."
    audit_record(action="connection.test", user=user, connection=connection, target=connection,
                 outcome=AuditEvent.Outcome.OK if ok else AuditEvent.Outcome.FAILED, message=text)
    return ok, text
