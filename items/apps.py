"""Items app configuration."""

from django.apps import AppConfig


class ItemsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "items"

    def ready(self) -> None:
        from items import signals  # noqa: F401  (connects the default-checkups receiver)
