import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from apps.core.roles import ensure_roles

ROLES = ["viewer", "operator", "approver", "administrator"]


@pytest.fixture
def make_user(db):
    def make(role="viewer", username=None, **extra):
        ensure_roles()  # transactional tests start from a flushed database
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


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    import os

    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright runs an event loop
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def logged_in_page(page, make_user):
    """A browser page logged in as an administrator through the real login form."""
    make_user("administrator", username="admin-ui", is_staff=True)
    page.goto("/login/")
    page.fill("input[name=username]", "admin-ui")
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def screenshot(page, name):
    """Save a PNG under test-artifacts/ to look at (CI keeps none of them)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "test-artifacts"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def q_worker(transactional_db):
    """A real django-q2 cluster process on the test database (ORM broker)."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings_test")
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = name
    else:
        s = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{name}"
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    yield process
    os.killpg(process.pid, signal.SIGKILL)  # its graceful stop takes ~20 s; nothing to keep
    process.wait()
