import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from apps.core.connections import connection_add
from apps.core.models import AuditEvent, SyncRun
from apps.core.sync import sync_run_now
from apps.sandbox.accounts import account_create
from tests.kernelapp.provider import BASE_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection():
    account_create(provider="kernel", key="view-key-123", seed=2, scale=12)
    return connection_add(provider="kernel", name="shop-cz", base_url=BASE_URL,
                          credentials={"api_key": "view-key-123"})


def _plain_urls(resolver=None, prefix=""):
    """Every URL without parameters, outside the sandbox and the login/admin pages."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith(("sandbox/", "admin/")):
                yield from _plain_urls(entry, route)
        elif isinstance(entry, URLPattern) and "<" not in route and route not in ("login/",):
            yield "/" + route.replace("^", "").replace("$", "")


def test_every_page_requires_login(client):
    urls = list(_plain_urls())
    assert "/" in urls and "/syncs/" in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_dashboard_shows_one_card_per_connection_with_its_last_run(client_as, connection):
    sync_run_now(connection=connection, stream="items")
    response = client_as("viewer").get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="conn-{connection.pk}"' in html and "12 rows" in html
    assert "Sync now" not in html  # viewers cannot start syncs


def test_viewer_cannot_start_a_sync(client_as, connection):
    response = client_as("viewer").post(f"/syncs/start/{connection.pk}/")
    assert response.status_code == 403
    assert not SyncRun.objects.exists()


def test_operator_queues_a_sync_and_a_second_click_is_refused_visibly(client_as, connection,
                                                                      django_capture_on_commit_callbacks):
    client = client_as("operator")
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(f"/syncs/start/{connection.pk}/", headers={"HX-Request": "true"})
    assert first.status_code == 200 and "Syncing…" in first.content.decode()
    assert len(callbacks) == 1  # one task handed to django-q2
    second = client.post(f"/syncs/start/{connection.pk}/", follow=True)
    assert "already queued" in second.content.decode()
    assert SyncRun.objects.count() == 1
    audit = list(AuditEvent.objects.filter(action="sync.start").values_list("outcome", flat=True))
    assert sorted(audit) == ["ok", "refused"]


def test_posts_need_a_csrf_token(make_user, connection):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("operator"))
    assert client.post(f"/syncs/start/{connection.pk}/").status_code == 403


def test_run_page_polls_while_active_and_stops_when_done(client_as, connection):
    run = sync_run_now(connection=connection, stream="items")
    client = client_as("viewer")
    partial = client.get(f"/syncs/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'id="run-progress"' in partial and "<html" not in partial
    assert "hx-trigger" not in partial  # finished: no more polling
    SyncRun.objects.filter(pk=run.pk).update(status="running")
    assert "every 1s" in client.get(f"/syncs/{run.pk}/").content.decode()


def test_failed_run_shows_error_kind_and_message(client_as, connection):
    connection.credentials = {"api_key": "wrong-key-999"}
    connection.save()
    run = sync_run_now(connection=connection, stream="items")
    html = client_as("viewer").get(f"/syncs/{run.pk}/").content.decode()
    assert run.status == "failed" and run.error_kind == "configuration"
    assert "configuration" in html and "Check the credentials of shop-cz" in html
    assert "wrong-key-999" not in html


def test_sync_history_filters_sorts_and_exports(client_as, connection):
    ok = sync_run_now(connection=connection, stream="items")
    SyncRun.objects.create(connection=connection, stream="items", status="failed",
                           error_kind="transient")
    client = client_as("viewer")
    html = client.get("/syncs/", {"status": "failed"}).content.decode()
    assert "transient" in html and f">{ok.pk}<" not in html
    partial = client.get("/syncs/", {"sort": "-pages"}, headers={"HX-Request": "true"})
    assert 'id="table"' in partial.content.decode() and "<html" not in partial.content.decode()
    export = client.get("/syncs/", {"status": "succeeded", "export": "csv"})
    lines = b"".join(export.streaming_content).decode().strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("id,connection,stream,status")
    assert len(lines) == 2 and lines[1].startswith(f"{ok.pk},shop-cz,items,succeeded")


def test_invalid_filter_shows_an_error_not_a_500(client_as, connection):
    response = client_as("viewer").get("/syncs/", {"created_from": "not-a-date"})
    assert response.status_code == 200
    assert "Check the filters" in response.content.decode()


def test_audit_log_lists_actions(client_as, connection):
    client = client_as("operator")
    client.post(f"/syncs/start/{connection.pk}/")
    html = client.get("/syncs/audit/").content.decode()
    assert "sync.start" in html and "operator-user" in html


def test_connection_admin_never_shows_credentials(client_as, connection):
    client = client_as("administrator", is_staff=True)
    html = client.get(f"/admin/core/connection/{connection.pk}/change/").content.decode()
    assert "view-key-123" not in html and "api_key=***" in html
    listing = client.get("/admin/core/connection/").content.decode()
    assert "view-key-123" not in listing


def test_connection_admin_keeps_credentials_when_left_blank_and_sets_a_schedule(
        client_as, connection):
    client = client_as("administrator", is_staff=True)
    response = client.post(f"/admin/core/connection/{connection.pk}/change/", {
        "provider": "kernel", "name": "shop-cz", "base_url": BASE_URL, "options": "{}",
        "enabled": "on", "credentials_text": "", "schedule_minutes": "30",
    })
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.credentials == {"api_key": "view-key-123"}
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="sync:shop-cz")
    assert schedule.minutes == 30 and schedule.func == "apps.core.tasks.scheduled_sync"


def test_admin_action_tests_the_connection(client_as, connection):
    client = client_as("administrator", is_staff=True)
    response = client.post("/admin/core/connection/", {
        "action": "test_connection", "_selected_action": [connection.pk]}, follow=True)
    assert "shop-cz: reachable, 12 items" in response.content.decode().lower()


def test_dashboard_cards_show_each_providers_key_figures(client_as, django_assert_max_num_queries):
    from apps.core import registry
    from apps.omnicado.apps import OmnicadoConfig  # noqa: F401 (registered)

    connections = [registry.get(key).demo() for key in ("omnicado", "ovipro", "omnizon", "omnium")]
    client = client_as("viewer")
    with django_assert_max_num_queries(40):
        html = client.get("/").content.decode()
    for connection in connections:
        assert f'id="conn-{connection.pk}"' in html
    for label in ("Not adding up", "Awaiting approval", "With errors", "Ledger lines"):
        assert label in html


def test_pages_may_not_be_framed_by_others(client_as):
    assert client_as("viewer").get("/")["X-Frame-Options"] == "DENY"


def test_pages_out_of_range_land_on_a_real_page(client_as, connection):
    for _ in range(3):
        sync_run_now(connection=connection, stream="items", full=True)
    client = client_as("viewer")
    assert client.get("/syncs/", {"page": "abc"}).context["page"].number == 1
    assert client.get("/syncs/", {"page": "999"}).context["page"].number == 1  # one page only
    assert len(client.get("/syncs/", {"page": "999"}).context["page"].object_list) == 3
