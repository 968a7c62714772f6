"""The four roles. Migration 0002 creates them; `ensure_roles` is the same step for anything
that starts from an empty database (transactional tests flush migration data)."""

from django.apps import apps as global_apps

ROLE_PERMISSIONS = {
    "viewer": ["browse", "export"],
    "operator": ["browse", "export", "run_sync", "act_documents", "edit_invoices"],
    "approver": ["browse", "export", "run_sync", "act_documents", "edit_invoices",
                 "approve_invoices"],
    "administrator": ["browse", "export", "run_sync", "act_documents", "edit_invoices",
                      "approve_invoices", "administer"],
}


def ensure_roles(apps=global_apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    names = dict(apps.get_model("core", "Connection")._meta.permissions)
    content_type, _ = ContentType.objects.get_or_create(app_label="core", model="connection")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": names[codename]}
            )
            group.permissions.add(permission)


def grant_administrator_everything(sender=None, using="default", **kwargs):
    """The administrator also gets every model permission (the admin site), after migrate."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.using(using).filter(name="administrator").first()
    if group is not None:
        group.permissions.add(*Permission.objects.using(using).all())
