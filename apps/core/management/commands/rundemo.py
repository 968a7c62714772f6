import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web server and the django-q2 worker together; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("LEDGERDESK_ADDR", "127.0.0.1:8000"))

    def handle(self, *args, addr, **options):
        stop = []
        for sig in (signal.SIGINT, signal.SIGTERM):  # also when started in the background
            signal.signal(sig, lambda signum, frame: stop.append(signum))
        manage = [sys.executable, "manage.py"]
        worker = subprocess.Popen([*manage, "qcluster"])
        web = subprocess.Popen([*manage, "runserver", addr, "--noreload"])
        self.stdout.write(self.style.SUCCESS(
            f"Ledgerdesk on http://{addr}/  (worker pid {worker.pid}). Ctrl-C stops both."))
        while not stop and web.poll() is None and worker.poll() is None:
            try:
                web.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
        for process in (web, worker):
            if process.poll() is None:
                process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("Stopped the web server and the worker.")
