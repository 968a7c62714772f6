from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.core import datasets
from apps.core.models import Connection, SyncRun
from apps.core.selectors import connection_card
from apps.core.services import sync_enqueue
from apps.core.tables import dataset_view


@permission_required("core.browse", raise_exception=True)
def sync_history(request):
    return dataset_view(request, datasets.sync_runs, "core/sync_history.html")


@permission_required("core.browse", raise_exception=True)
def audit_log(request):
    return dataset_view(request, datasets.audit_events, "core/audit_log.html")


@permission_required("core.browse", raise_exception=True)
def sync_run_detail(request, pk):
    """The run page; HTMX polls the `progress` partial until the run ends."""
    run = get_object_or_404(SyncRun.objects.select_related("connection", "started_by"), pk=pk)
    template = "core/sync_run.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"run": run})


@require_POST
@permission_required("core.run_sync", raise_exception=True)
def sync_start(request, connection_id):
    connection = get_object_or_404(Connection, pk=connection_id, enabled=True)
    queued, busy = sync_enqueue(connection=connection, user=request.user,
                                full=request.POST.get("full") == "1")
    if queued:
        messages.success(request, f"Sync of {connection.name} queued "
                                  f"({', '.join(r.stream for r in queued)}).")
    for run in busy:
        messages.warning(request, f"{connection.name}/{run.stream} is already {run.status} "
                                  f"(run #{run.pk}); not started twice.")
    if request.htmx:
        return render(request, "dashboard/_connection_card.html#card",
                      {"card": connection_card(connection)})
    return redirect(request.POST.get("next") or "dashboard:home")
