import pytest
from rest_framework.test import APIClient

from tests.factories import build_world


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
