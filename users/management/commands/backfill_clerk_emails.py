"""Copy each user's primary email address from Clerk into the local user table."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from minNow import clerk
from users.services import sync_emails


class Command(BaseCommand):
    help = "Page through Clerk's users and store their primary email addresses locally."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--verbose", action="store_true", help="print a line per updated user")
        parser.add_argument("--dry-run", action="store_true", help="list what would change; write nothing")
        parser.add_argument("--page-size", type=int, default=100, choices=range(1, 501), metavar="1..500")

    def handle(self, *args, **options) -> None:
        updated = seen = 0
        try:
            for page in clerk.iter_users(page_size=options["page_size"]):
                emails = {item["id"]: clerk.primary_email(item) for item in page if item.get("id")}
                seen += len(emails)
                for clerk_id, old, new in sync_emails(emails, dry_run=options["dry_run"]):
                    if options["verbose"] or options["dry_run"]:
                        verb = "would update" if options["dry_run"] else "updating"
                        self.stdout.write(f"{verb}: {clerk_id} {old or '(none)'} -> {new}")
                    updated += 1
        except clerk.ClerkError as exc:
            raise CommandError(f"Clerk request failed after {updated} update(s): {exc}") from exc
        verb = "would update" if options["dry_run"] else "updated"
        self.stdout.write(f"{seen} Clerk user(s) read, {verb} {updated} email(s)")
