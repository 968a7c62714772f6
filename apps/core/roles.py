"""The four roles. Groups and their permissions are created by migration 0002; the
administrator also gets every model permission (the admin site) after each migrate."""

ROLE_PERMISSIONS = {
    "viewer": ["browse", "export"],
    "operator": ["browse", "export", "run_sync", "act_documents", "edit_invoices"],
    "approver": ["browse", "export", "run_sync", "act_documents", "edit_invoices",
                 "approve_invoices"],
    "administrator": ["browse", "export", "run_sync", "act_documents", "edit_invoices",
                      "approve_invoices", "administer"],
}


def grant_administrator_everything(sender=None, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.using(using).filter(name="administrator").first()
    if group is not None:
        group.permissions.add(*Permission.objects.using(using).all())
