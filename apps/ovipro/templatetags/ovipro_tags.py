from django import template

from apps.core.money import format_money, from_minor

register = template.Library()


@register.filter
def cents(value, currency="EUR"):
    """Integer minor units -> '1 234.56 EUR' ('' when unknown)."""
    if value is None or value == "":
        return ""
    return format_money(from_minor(value, currency), currency)


@register.filter
def percent(value):
    """Decimal('25.500') -> '25.5' (no float on the way)."""
    if value is None or value == "":
        return ""
    return f"{value.normalize():f}"
