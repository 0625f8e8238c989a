"""Send every due checkup reminder once (daily job)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from items.reminders import send_due_reminders
from minNow import live

ALWAYS_SHOWN = ("progress:", "failed:", "would send:", "summary:")


class Command(BaseCommand):
    help = "Email a reminder for each due checkup of users with notifications on, and mark it done."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--verbose", action="store_true", help="print a line per reminder")
        parser.add_argument("--log-file", type=Path, help="also append every line to this file")
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent; write and send nothing")

    def handle(self, *args, **options) -> None:
        with ExitStack() as stack:
            log = None
            if options["log_file"]:
                options["log_file"].parent.mkdir(parents=True, exist_ok=True)
                log = stack.enter_context(open(options["log_file"], "a", encoding="utf-8"))

            def report(line: str) -> None:
                if options["verbose"] or line.startswith(ALWAYS_SHOWN):
                    self.stdout.write(line)
                if log:
                    log.write(line + "\n")

            run = send_due_reminders(dry_run=options["dry_run"], report=report)
            live.flush()  # the `checkup.due` events handed on, before the process ends
            action = "would send" if run.dry_run else "sent"
            report(f"summary: {action} {run.sent}, skipped {run.skipped}, failed {run.failed}")
        if run.failed:
            raise CommandError(f"{run.failed} reminder(s) failed; they will be retried on the next run")
