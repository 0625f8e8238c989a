"""Users app configuration."""

from django.apps import AppConfig


class UsersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "users"

    def ready(self) -> None:
        from users import (
            cache,  # noqa: F401  # connects the signals that keep copies of user rows current
            live,  # noqa: F401  # and those that close a gone account's sockets
        )
