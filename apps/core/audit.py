from apps.core.logging import scrub
from apps.core.models import AuditEvent


def audit_record(
    *,
    action: str,
    user=None,
    connection=None,
    target=None,
    target_type: str = "",
    target_id: str = "",
    outcome: str = AuditEvent.Outcome.OK,
    correlation_id: str = "",
    message: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Write one audit row. `target` may be a model instance (type and pk are taken from it)."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    return AuditEvent.objects.create(
        action=action,
        user=user if getattr(user, "is_authenticated", False) else None,
        connection=connection,
        target_type=target_type,
        target_id=str(target_id),
        outcome=outcome,
        correlation_id=correlation_id or "",
        message=scrub(message)[:2000],
        details=details or {},
    )
