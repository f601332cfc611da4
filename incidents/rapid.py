"""马上办: an urgent report does not wait for the duty chief or any schedule.

Intake fires `incidents.tasks.handle_urgent` when its transaction commits; the task registers
the case and dispatches it to the unit routing suggested, as the platform itself (the event
rows carry no actor), and tells the command centre. Without a suggested unit the case stays
in the centre's manual queue and the centre is told to dispatch it by hand. Running it twice
changes nothing the second time: it acts only on a case still in the state it expects.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from governance.notifications import notify

from . import response, services
from .constants import CaseStatus, Urgency
from .models import Case
from .units import centre_of, people_of


def handle_urgent(*, case_id: int) -> Case | None:
    case = Case.objects.select_related("suggested_unit").filter(pk=case_id, urgency=Urgency.URGENT).first()
    if case is None or case.status != CaseStatus.REPORTED:
        return case
    with transaction.atomic():
        unit = case.suggested_unit
        if unit is None:
            response.pushed(case.pk)  # the centre has it (115), a person dispatches
            title = _("马上办：%(n)s 待人工分派") % {"n": case.number}
        else:
            services.register(case_id=case.pk, actor=None, note=_("马上办：紧急事件自动立案"))
            case, _event = services.dispatch(case_id=case.pk, actor=None, unit=unit, note=_("马上办：紧急事件自动派遣"))
            title = _("马上办：%(n)s 已派遣至 %(u)s") % {"n": case.number, "u": unit.name}
        centre = centre_of(case.county_id)
        transaction.on_commit(
            lambda: notify(
                people_of(centre), kind="urgent", title=title, body=case.description[:200], link=f"/cases/{case.pk}/"
            )
        )
    return case
