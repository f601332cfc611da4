"""The display filters: thousands separators for money and counts, percentages, role labels."""

from decimal import Decimal

from governance.templatetags.display import count, money, percent, role_label


def test_money_counts_percent_and_role_labels():
    assert money(5800000) == "5,800,000" and money(Decimal("1234.50")) == "1,234.50" and money(None) == ""
    assert money(Decimal("2300.00")) == "2,300" and count(56500) == "56,500" and count("") == ""
    assert percent(0.1234) == "12.3%" and percent(None) == "—"
    assert role_label("grid_worker") == "网格员" and role_label("no_such_role") == "no_such_role"
