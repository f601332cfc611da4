"""System checks (`manage.py check`, shown when the server or the worker starts)."""

from django.core.checks import Warning, register
from django.db import DatabaseError
from django.utils.translation import gettext as _


@register()
def holiday_calendar_entered(app_configs=None, **kwargs):
    """W001: a year whose working days are counted without its holidays (governance.workdays)."""
    from .workdays import missing_years

    try:
        missing = missing_years()
    except DatabaseError:  # before the first migrate: nothing to say yet
        return []
    return [
        Warning(
            _("%(year)s 年的节假日安排尚未录入：工作日时限只按周末计算。") % {"year": year},
            hint=_("在后台管理「节假日安排」中录入国务院办公厅当年公布的放假和调休上班日期。"),
            id="governance.W001",
        )
        for year in missing
    ]
