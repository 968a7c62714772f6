"""JSON with exact decimal numbers: `25.5` is read as Decimal("25.5") and written back as 25.5.

The json module can only write a number from an int or a float. A float's shortest repr gives
back exactly the decimal text for the short numbers the API uses (VAT and interest rates), and
`exact_number` refuses any Decimal for which that would not hold.
"""

import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder


def exact_number(value: Decimal):
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    if Decimal(repr(number)) != value:
        raise ValueError(f"{value} cannot be written exactly as a JSON number")
    return number


class NumberEncoder(DjangoJSONEncoder):
    """Decimals as JSON numbers; dates and datetimes as ISO text."""

    def default(self, o):
        if isinstance(o, Decimal):
            return exact_number(o)
        return super().default(o)


class NumberDecoder(json.JSONDecoder):
    def __init__(self, *args, **kwargs):
        kwargs["parse_float"] = Decimal
        super().__init__(*args, **kwargs)


def loads(text):
    return json.loads(text, cls=NumberDecoder)


def dumps(value) -> str:
    return json.dumps(value, cls=NumberEncoder, ensure_ascii=False)
