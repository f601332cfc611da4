import pytest
from django.db import transaction

from grids import spatial

from . import world as matrix_world
from .check import Clients


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The matrix's world and its signed-in clients, built once per module and rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = matrix_world.build()
        yield Clients(built)
        transaction.set_rollback(True)
    spatial.invalidate()
