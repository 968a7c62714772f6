from decimal import Decimal

import pytest

from apps.core.charts import Bar, bar_chart
from apps.core.money import format_money, from_minor, to_decimal, to_minor


def test_money_never_goes_through_float():
    assert to_decimal(0.1) + to_decimal(0.2) == Decimal("0.3")
    assert to_minor("109.41", "EUR") == 10941 and to_minor(Decimal("0.005"), "EUR") == 1
    assert from_minor(10941, "EUR") == Decimal("109.41")
    assert to_minor("1234", "JPY") == 1234
    with pytest.raises(ValueError):
        to_decimal("twelve")


def test_money_is_formatted_with_its_currency():
    assert format_money(Decimal("-1234567.5"), "CZK") == "−1\u202f234\u202f567.50 CZK"
    assert format_money("0", "EUR") == "0.00 EUR"
    assert format_money(None, "EUR") == ""


def test_bar_chart_draws_positive_and_negative_bars_and_escapes_labels():
    svg = bar_chart([Bar("a<b>", 10), Bar("b", -5), Bar("c", 0)])
    assert svg.count("<rect") == 3 and 'class="bar neg"' in svg
    assert "a&lt;b&gt;" in svg and "<b>" not in svg
    assert "No data" in bar_chart([])
