"""Create the default keep and give checkups for users who lack them."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from items.selectors import missing_default_checkups
from items.services import CheckupService


class Command(BaseCommand):
    help = "Create missing default checkups (keep, give) for every user."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--verbose", action="store_true", help="print a line per user")
        parser.add_argument("--dry-run", action="store_true", help="list what would be created; write nothing")

    def handle(self, *args, **options) -> None:
        missing = missing_default_checkups()
        for user, checkup_types in missing:
            if options["verbose"] or options["dry_run"]:
                verb = "would create" if options["dry_run"] else "creating"
                self.stdout.write(f"{verb}: {user.email or user.username} {', '.join(checkup_types)}")
        if options["dry_run"]:
            self.stdout.write(f"dry run: {sum(len(t) for _, t in missing)} checkup(s) for {len(missing)} user(s)")
            return
        created = CheckupService.create_missing_default_checkups([user for user, _ in missing])
        self.stdout.write(f"created {created} checkup(s) for {len(missing)} user(s)")
