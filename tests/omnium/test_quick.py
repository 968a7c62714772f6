import pytest
from unittest import mock
from apps.core.sync import sync_run_now
from apps.omnium.models import Posting, LedgerLine
from tests.omnium.conftest import emulator_postings
from datetime import datetime, timezone

def test_quick(omnium_connection, omnium_account):
    if True:
        run = sync_run_now(connection=omnium_connection, stream="postings")
    print(run.fetch_seconds, run.write_seconds, run.status, run.error_message, run.pages, run.created, run.updated, run.unchanged, run.elapsed)
    exp = emulator_postings(omnium_account)
    print(len(exp), Posting.objects.count(), sum(len(p.lines) for p in exp), LedgerLine.objects.count())
    assert run.status == "succeeded"
