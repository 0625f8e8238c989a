"""Configuration: malformed values stop start-up with a message naming the variable."""

from __future__ import annotations

import pytest

from config.testing import STRONG_SECRET, manage

pytestmark = pytest.mark.slow  # each test starts manage.py in a fresh process


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"RATE_LIMIT_REQUESTS": "abc"}, "RATE_LIMIT_REQUESTS"),
        ({"RATE_LIMIT_WINDOW_SECONDS": "0"}, "RATE_LIMIT_WINDOW_SECONDS"),
        ({"PROD": "True"}, "SECRET_KEY"),
        ({"PROD": "maybe"}, "PROD"),
        ({"MAX_ITEMS_PER_USER": "-1"}, "MAX_ITEMS_PER_USER"),
        ({"CLERK_API_URL": "ftp://clerk"}, "CLERK_API_URL"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ],
)
def test_malformed_configuration_fails_start_up_naming_the_variable(env, variable):
    result = manage("check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PROD="True",
        SECRET_KEY=STRONG_SECRET,
        ALLOWED_HOSTS="example.com",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_is_forced_off_in_production():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        PROD="True",
        DEBUG="True",
        SECRET_KEY=STRONG_SECRET,
    )

    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
