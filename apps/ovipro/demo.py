"""The demo: an emulated Ovipro account (invoices in every status) and its connection."""

from apps.core.connections import connection_add
from apps.core.models import Connection
from apps.sandbox.accounts import account_create

DEMO_NAME = "ovipro-demo"
DEMO_USERNAME = "ovipro-demo-user"
DEMO_PASSWORD = "ovipro-demo-password"
BASE_URL = "http://sandbox.invalid/sandbox/ovipro"


def demo(*, base_url: str = BASE_URL, scale: int = 60):
    account_create(provider="ovipro", key=DEMO_USERNAME, seed=4, scale=scale,
                   options={"password": DEMO_PASSWORD})
    connection = Connection.objects.filter(name=DEMO_NAME).first()
    if connection is None:
        connection = connection_add(provider="ovipro", name=DEMO_NAME, base_url=base_url,
                                    credentials={"username": DEMO_USERNAME,
                                                 "password": DEMO_PASSWORD})
    return connection
