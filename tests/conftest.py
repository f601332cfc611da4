import pytest
from rest_framework.test import APIClient

from governance import workdays
from grids import spatial
from tests.factories import build_world


@pytest.fixture(autouse=True)
def fresh_spatial_index():
    """Test transactions roll back without on-commit hooks: start each test with a fresh index."""
    spatial.invalidate()


@pytest.fixture(autouse=True)
def fresh_holiday_calendar():
    """Likewise for the holiday calendar admins enter (governance.workdays)."""
    workdays.invalidate()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def api():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def as_user():
    def make(user):
        client = APIClient()
        client.force_login(user)  # a session: the user is loaded afresh on every request
        return client

    return make
