from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render

from apps.core.models import Connection, SyncRun
from apps.core.selectors import connection_card, connection_cards
from apps.core.sync import expire_dead_runs


@permission_required("core.browse", raise_exception=True)
def home(request):
    expire_dead_runs()  # a worker that died shows as stale here, not as "running" forever
    cards = connection_cards(Connection.objects.all())
    recent = SyncRun.objects.select_related("connection")[:10]
    return render(request, "dashboard/home.html", {"cards": cards, "recent_runs": recent})


@permission_required("core.browse", raise_exception=True)
def connection_card_view(request, pk):
    """The card alone: HTMX polls it while a run is active."""
    card = connection_card(get_object_or_404(Connection, pk=pk))
    return render(request, "dashboard/_connection_card.html#card", {"card": card})
