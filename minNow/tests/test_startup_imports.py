"""Start-up stays light: Django's set-up, the URLconf and the management commands load no language-model, mail or
webhook SDK; each loads where it is used (agent/graph.py, agent/search_agent.py, minNow/email.py, users/webhooks.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from config.testing import PROJECT_DIR

HEAVY = ("langgraph", "langchain_core", "langchain_openai", "openai", "mailersend", "svix", "apscheduler")

SCRIPT = f"""
import json, sys
import django
django.setup()
import config.urls
from django.core.management import get_commands, load_command_class
for name, app in sorted(get_commands().items()):
    if not app.startswith("django.") or name in {{"check", "migrate", "help"}}:
        load_command_class(app, name)
heavy = {HEAVY!r}
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in heavy)))
"""


@pytest.mark.slow  # a fresh process (about a second)
def test_start_up_and_the_management_commands_load_no_heavy_sdk():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "CRITICAL"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
