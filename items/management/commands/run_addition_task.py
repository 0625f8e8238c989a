"""Add two numbers: a placeholder periodic task that shows the job wiring works."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from items.background.tasks import add


class Command(BaseCommand):
    help = "Add two numbers (a demo task for the scheduler)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--x", type=int, required=True)
        parser.add_argument("--y", type=int, required=True)
        parser.add_argument("--verbose", action="store_true")

    def handle(self, *args, **options) -> None:
        result = add(options["x"], options["y"])
        if options["verbose"]:
            self.stdout.write(f"{options['x']} + {options['y']} = {result}")
        else:
            self.stdout.write(str(result))
