"""Display filters: money and counts with thousands separators, a role's Chinese label.

Django's zh-hans locale groups digits by four without a separator and the project keeps
USE_THOUSAND_SEPARATOR off (ids in URLs and data attributes must stay plain), so figures shown to
people go through these filters: `{{ amount|money }}` → 5,800,000 or 1,234.50; `{{ n|count }}`
→ 12,345; `{{ ratio|percent }}` → 12.3%; `{{ group.name|role_label }}` → 网格员.
"""

from decimal import Decimal, InvalidOperation

from django import template

from ..roles import Role

register = template.Library()


def _decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def money(value):
    """Yuan with thousands separators; cents only when there are any. None and "" → ""."""
    if value in (None, ""):
        return ""
    number = _decimal(value)
    if number is None:
        return value
    text = f"{number:,.2f}"
    return text[:-3] if text.endswith(".00") else text


@register.filter
def count(value):
    """A whole number with thousands separators. None and "" → ""."""
    if value in (None, ""):
        return ""
    number = _decimal(value)
    return value if number is None else f"{number:,.0f}"


@register.filter
def role_label(value):
    """The Chinese label of a role (a Django group's name); an unknown name as it is."""
    return dict(Role.choices).get(value, value)


@register.filter
def percent(value, digits=1):
    """A ratio (0.1234) as a percentage (12.3%); None → —."""
    number = _decimal(value) if value not in (None, "") else None
    return "—" if number is None else f"{number * 100:,.{int(digits)}f}%"
