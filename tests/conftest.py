import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


ROLES = ["viewer", "operator", "approver", "administrator"]


@pytest.fixture
def make_user(db):
    def make(role="viewer", username=None, **extra):
        user = get_user_model().objects.create_user(
            username=username or f"{role}-user", password="pw-for-tests-1", **extra
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def client_as(client, make_user):
    """client_as("operator") -> a test client logged in with that role."""

    def login(role="viewer", **extra):
        client.force_login(make_user(role, **extra))
        return client

    return login
