"""The dashboard's own totals preview, in integer cents.

Written apart from the emulator on purpose: tests compare this preview with the provider's
`totalInvoicedAmount` (the emulator's answer and the seed's printed example). The rule read from
the seed (README, Assumptions): each line keeps the basis it was entered in, the other basis is
derived per line and rounded half up to a cent; totals are the sums; a discount is a negative
line; the down payment does not change the invoiced total.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Line:
    amount: int            # cents, as entered
    vat_percentage: Decimal
    includes_vat: bool

    @property
    def vat_included(self) -> int:
        if self.includes_vat:
            return self.amount
        return _round(Decimal(self.amount) * (HUNDRED + self.vat_percentage) / HUNDRED)

    @property
    def vat_excluded(self) -> int:
        if not self.includes_vat:
            return self.amount
        return _round(Decimal(self.amount) * HUNDRED / (HUNDRED + self.vat_percentage))


@dataclass(frozen=True)
class Totals:
    vat_included: int
    vat_excluded: int

    @property
    def vat(self) -> int:
        return self.vat_included - self.vat_excluded


def _round(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def invoice_totals(costs: list[Line], discount: Line | None = None) -> Totals:
    gross = sum(line.vat_included for line in costs)
    net = sum(line.vat_excluded for line in costs)
    if discount is not None and discount.amount:
        gross -= discount.vat_included
        net -= discount.vat_excluded
    return Totals(vat_included=gross, vat_excluded=net)
