"""The county departments' demo staff: one officer per department unit (`dept-police`, …), with
the demo's shared password, assigned on the county and listed as the unit's member."""

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from demo.grids import PASSWORD, names
from governance.models import User
from governance.roles import Role
from grids import services as grid_services
from grids.models import Area, Assignment
from incidents.constants import UnitKind
from incidents.models import Unit

SERVICE_DAYS = 800  # in post since before the platform went live: older than any demo case


def department_units(county: Area):
    return Unit.objects.filter(kind=UnitKind.DEPARTMENT, area__path__startswith=county.path).order_by("code")


def staff_usernames(county: Area) -> list[str]:
    """Department units' codes are `dept-<code>`; their officer's username is the same."""
    return list(department_units(county).values_list("code", flat=True))


def ensure_department_staff(county: Area, rng: random.Random) -> list[User]:
    """Create what is missing; a second run changes nothing."""
    units = list(department_units(county))
    existing = {u.username: u for u in User.objects.filter(username__in=[u.code for u in units])}
    password = make_password(PASSWORD)  # hashed once, shared by every demo login
    start = timezone.localdate() - dt.timedelta(days=SERVICE_DAYS)
    staff = []
    for unit in units:
        is_male = rng.random() < 0.6
        name, phone = names.full_name(rng, is_male), names.mobile(rng)  # drawn always: stable for the seed
        user = existing.get(unit.code)
        if user is None:
            user = User.objects.create(username=unit.code, password=password, full_name=name, phone=phone)
        active = Assignment.objects.filter(user=user, area=county, role=Role.DEPARTMENT_OFFICER, end_date__isnull=True)
        if not active.exists():
            grid_services.assign(user=user, area=county, role=Role.DEPARTMENT_OFFICER, start_date=start)
        unit.members.add(user)
        staff.append(user)
    return staff
