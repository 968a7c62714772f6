"""Does an invoice add up? Items vs VAT recap vs total.

The provider's own numbers do not always agree, so a mismatch is shown to staff (never
corrected, never hidden). A difference of up to one cent counts as rounding.
"""

from dataclasses import dataclass
from decimal import Decimal

TOLERANCE = Decimal("0.01")
EXEMPT = "osvobozeno"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Check:
    label: str
    expected: Decimal
    actual: Decimal

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected

    @property
    def ok(self) -> bool:
        return abs(self.difference) <= TOLERANCE


def tax_key(rate) -> str:
    """A VAT rate as the recap keys it: 21 -> '21', 0 -> 'osvobozeno'."""
    text = str(rate).strip()
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    return EXEMPT if number == 0 else format(number.normalize(), "f")


def tax_label(key: str) -> str:
    return "exempt (osvobozeno)" if key == EXEMPT else f"{key} %"


def invoice_checks(*, total, items, recap_total, taxes) -> list[Check]:
    """items: [(vat rate, base, total)]; taxes: [(rate key, base, vat, total)]; recap_total
    None when the provider sent no VAT recap."""
    checks = [Check("Items add up to the invoice total", total,
                    sum((line_total for _, _, line_total in items), ZERO))]
    if recap_total is None:
        return checks + [Check("VAT recap sent (none: its total counts as 0)", total, ZERO)]
    checks.append(Check("VAT recap total equals the invoice total", total, recap_total))
    checks.append(Check("VAT recap lines add up to the recap total", recap_total,
                        sum((t[3] for t in taxes), ZERO)))
    recap_bases = {tax_key(key): base for key, base, _, _ in taxes}
    item_bases: dict[str, Decimal] = {}
    for rate, base, _ in items:
        item_bases[tax_key(rate)] = item_bases.get(tax_key(rate), ZERO) + base
    for key in sorted(set(recap_bases) | set(item_bases)):
        checks.append(Check(f"VAT {tax_label(key)}: item bases equal the recap base",
                            recap_bases.get(key, ZERO), item_bases.get(key, ZERO)))
    return checks


def all_ok(checks) -> bool:
    return all(check.ok for check in checks)
