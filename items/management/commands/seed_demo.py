"""Create (or refresh) the demo user and its demo data, and print a development token for it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from items.demo import seed_demo_items
from minNow.auth import dev_mode, issue_dev_token
from users.services import dev_user_for_email, update_profile

DEMO_EMAIL = "demo@example.com"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Create the demo user (demo@example.com) and print a ready-to-paste development token."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", default=DEMO_EMAIL)
        parser.add_argument(
            "--base-url",
            default=DEFAULT_BASE_URL,
            help=f"where the API is served, for the printed Swagger URL and curl line (default: {DEFAULT_BASE_URL})",
        )

    def handle(self, *args, **options) -> None:
        if not dev_mode():
            raise CommandError("seed_demo is for development only (DEBUG=True, PROD=False)")
        base_url = options["base_url"].rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url must start with http:// or https://, not {options['base_url']!r}")
        user = dev_user_for_email(options["email"])
        if not user.first_name:
            update_profile(user, {"first_name": "Demo"})
        created = seed_demo_items(user)
        if created:
            self.stdout.write(f"Created {created} demo items")
        token = issue_dev_token(user)
        self.stdout.write(f"Demo user: {user.email} (valid 24 hours)")
        self.stdout.write(f"Paste into Swagger's Authorize button at {base_url}/api/docs")
        self.stdout.write(f"curl -H 'Authorization: Bearer {token}' {base_url}/api/clerk-jwt")
        self.stdout.write(f"TOKEN={token}")
