"""Money is Decimal (or integer minor units) with its currency, never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 minor units for the currencies our providers use; default 2.
MINOR_UNITS = {"JPY": 0, "HUF": 2, "CZK": 2, "EUR": 2, "HRK": 2, "SEK": 2, "NOK": 2, "DKK": 2,
               "PLN": 2, "USD": 2, "GBP": 2, "CHF": 2, "RON": 2, "BGN": 2}


def minor_units(currency: str) -> int:
    return MINOR_UNITS.get((currency or "").upper(), 2)


def to_decimal(value) -> Decimal | None:
    """Provider amounts arrive as strings, ints or JSON numbers; never go through float."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)  # shortest repr round-trips the JSON text exactly
    try:
        return Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"Not an amount: {value!r}") from None


def to_minor(amount, currency: str = "EUR") -> int:
    """Decimal -> integer minor units, exactly (rounding half up only below the minor unit)."""
    amount = to_decimal(amount)
    scaled = amount.scaleb(minor_units(currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(scaled)


def from_minor(value: int, currency: str = "EUR") -> Decimal:
    return Decimal(int(value)).scaleb(-minor_units(currency))


def format_money(amount, currency: str = "") -> str:
    """1234567.5, 'EUR' -> '1 234 567.50 EUR' (a thin, unambiguous house style)."""
    amount = to_decimal(amount)
    if amount is None:
        return ""
    places = minor_units(currency)
    quantized = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "−" if quantized < 0 else ""
    whole, _, frac = f"{abs(quantized):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sign + "\u202f".join(groups or ["0"]) + (f".{frac}" if frac else "")
    return f"{text} {currency}".strip()


def format_count(value: int) -> str:
    """12345 -> '12 345' (thin space, as in money)."""
    return f"{value:,}".replace(",", "\u202f")
