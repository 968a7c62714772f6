"""Which action is allowed in which state, and for which permission: one table for the buttons,
the views and the services (README, Assumptions, "Lifecycle")."""

from dataclasses import dataclass
from typing import Callable

from apps.ovipro.models import Invoice, InvoiceType, Status

EDIT = "core.edit_invoices"
APPROVE = "core.approve_invoices"
ADMINISTER = "core.administer"


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    permission: str
    allowed: Callable[[Invoice], bool]
    done: Callable[[Invoice], bool]  # the state the action leads to (checked after a lost answer)
    confirm: str = ""
    style: str = ""


ACTIONS = {a.code: a for a in [
    Action("LOCK", "Lock for approval", EDIT,
           lambda i: i.status == Status.DRAFT,
           lambda i: i.status == Status.READY_FOR_APPROVAL),
    Action("UNLOCK", "Unlock (back to draft)", EDIT,
           lambda i: i.status in (Status.READY_FOR_APPROVAL, Status.REJECTED),
           lambda i: i.status == Status.DRAFT),
    Action("APPROVE", "Approve", APPROVE,
           lambda i: i.status == Status.READY_FOR_APPROVAL,
           lambda i: i.status == Status.APPROVED,
           confirm="Approve this invoice? It gets its number and can then only be credited.",
           style="primary"),
    Action("REJECT", "Reject", APPROVE,
           lambda i: i.status == Status.READY_FOR_APPROVAL,
           lambda i: i.status == Status.REJECTED, style="danger"),
    Action("MARK_AS_PAID", "Mark paid", APPROVE,
           lambda i: i.status == Status.APPROVED and not i.is_paid,
           lambda i: i.is_paid),
    Action("MARK_AS_UNPAID", "Mark unpaid", APPROVE,
           lambda i: i.status == Status.APPROVED and i.is_paid,
           lambda i: not i.is_paid),
]}


def can_edit(invoice: Invoice, user) -> bool:
    return invoice.status == Status.DRAFT and user.has_perm(EDIT)


def can_delete(invoice: Invoice, user) -> bool:
    return invoice.deletable and user.has_perm(EDIT)


def can_credit(invoice: Invoice, user) -> bool:
    return (invoice.status == Status.APPROVED and invoice.invoice_type == InvoiceType.INVOICE
            and user.has_perm(APPROVE))


def available_actions(invoice: Invoice, user) -> list[Action]:
    if invoice.removed_at_provider:
        return []
    return [a for a in ACTIONS.values() if a.allowed(invoice) and user.has_perm(a.permission)]
