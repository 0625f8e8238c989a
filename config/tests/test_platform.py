"""Health check, admin, API docs, dev routes, error shape, CORS and logging."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings

from config.logs import JsonFormatter
from config.testing import ApiClient
from minNow.auth import issue_dev_token
from users.models import User

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]

PROD_LIKE = [
    pytest.param({"PROD": True, "DEBUG": False}, id="PROD=True"),
    pytest.param({"DEBUG": False}, id="DEBUG=False"),
]


def test_healthz_reports_ok_after_a_database_round_trip(django_assert_max_num_queries):
    with django_assert_max_num_queries(4) as captured:
        response = Client().get("/healthz")

    statements = [query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]]
    # On PostgreSQL the probe also bounds its own statement.
    expected = ["SELECT 1"] if connection.vendor != "postgresql" else ["SET LOCAL statement_timeout = 2000", "SELECT 1"]
    assert statements == expected

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.slow  # a fresh process
def test_healthz_is_503_when_the_database_is_down():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code, r.content.decode())"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none", "LOG_LEVEL": "CRITICAL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True)

    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "error", "detail": "database unavailable"}


def test_admin_login_page_responds():
    response = Client().get("/admin/login/")

    assert response.status_code == 200
    assert b"Django administration" in response.content


def test_docs_and_schema_are_served_in_development():
    assert Client().get("/api/docs").status_code == 200
    schema = Client().get("/api/openapi.json").json()

    assert schema["info"]["title"] == "MinNow API"
    assert "bearer" in json.dumps(schema["components"]["securitySchemes"]).lower()


def test_every_operation_documents_its_error_statuses():
    schema = Client().get("/api/openapi.json").json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert "429" in documented, f"{method} {path}"
            if operation.get("security"):
                assert "401" in documented, f"{method} {path}"
            if operation.get("parameters") or operation.get("requestBody"):
                assert "400" in documented, f"{method} {path}"


@pytest.mark.parametrize("mode", PROD_LIKE)
def test_docs_are_404_outside_development(mode):
    with override_settings(**mode):
        assert Client().get("/api/docs").status_code == 404
        assert Client().get("/api/openapi.json").status_code == 404


def test_dev_login_issues_a_working_token_for_a_new_email():
    response = ApiClient().post("/api/dev/auth/clerk-login", {"email": "Dev@Example.com"})

    assert response.status_code == 200
    body = response.json()
    user = User.objects.get(email="dev@example.com")
    assert body["user_id"] == user.clerk_id
    assert body["user_id"].startswith("dev_")
    assert body["email"] == "dev@example.com"
    assert body["message"] == "Use this JWT token in Swagger Authorize button"

    me = ApiClient(body["jwt_token"]).get("/api/clerk-jwt")
    assert me.status_code == 200
    assert me.json()["userId"] == user.clerk_id

    again = ApiClient().post("/api/dev/auth/clerk-login", {"email": "dev@example.com"})
    assert again.json()["user_id"] == body["user_id"]
    assert User.objects.filter(email="dev@example.com").count() == 1


def test_dev_login_uses_the_existing_user_with_that_email(alice):
    response = ApiClient().post("/api/dev/auth/clerk-login", {"email": "alice@example.com"})

    assert response.json()["user_id"] == alice.clerk_id


def test_dev_login_rejects_a_malformed_email():
    response = ApiClient().post("/api/dev/auth/clerk-login", {"email": "not-an-email"})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("email: ")
    assert response.json()["errors"][0]["loc"][-1] == "email"


def test_dev_items_requires_authentication(alice_api):
    assert ApiClient().get("/api/dev/auth/items").status_code == 401
    assert alice_api.get("/api/dev/auth/items").status_code == 200


@pytest.mark.parametrize("mode", PROD_LIKE)
def test_dev_routes_are_404_outside_development(mode, alice):
    token = issue_dev_token(alice)
    with override_settings(**mode):
        login = ApiClient().post("/api/dev/auth/clerk-login", {"email": "alice@example.com"})
        items = ApiClient(token).get("/api/dev/auth/items")

    assert login.status_code == 404
    assert items.status_code == 404
    assert login.json() == {"detail": "Not found"}


def test_malformed_json_is_a_400_not_a_500():
    response = ApiClient().post("/api/dev/auth/clerk-login", '{"email": ')

    assert response.status_code == 400
    assert "Cannot parse request body" in response.json()["detail"]


def test_missing_field_is_a_400_with_field_details():
    response = ApiClient().post("/api/dev/auth/clerk-login", {})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "email: Field required",
        "errors": [{"loc": ["body", "payload", "email"], "msg": "Field required", "type": "missing"}],
    }


def test_validation_errors_name_every_wrong_field_in_one_sentence(alice_api):
    response = alice_api.post("/api/items", {"name": "", "item_type": "Nope", "ownership_duration_goal_months": 0})

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "; ".join(f"{error['loc'][-1]}: {error['msg']}" for error in body["errors"])
    named = {error["loc"][-1] for error in body["errors"]}
    assert {"name", "item_type", "ownership_duration_goal_months", "picture_url", "last_used"} <= named
    assert "item_type: Input should be 'Clothing_Accessories'" in body["detail"]


def test_an_error_about_the_whole_body_says_body(alice_api):
    response = alice_api.post("/api/agent/add-item-batch", "[1, 2]")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("prompts: ") or response.json()["detail"].startswith("body: ")
    assert isinstance(response.json()["errors"], list)


def test_nested_fields_are_named_with_dots(alice_api):
    response = alice_api.post("/api/agent/add-item-batch", {"prompts": {"0": 5}})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("prompts.0: Input should be a valid string")


def test_clerk_jwt_sets_the_csrf_cookie(alice_api, alice):
    response = alice_api.get("/api/clerk-jwt")

    body = response.json()
    assert set(body) == {"userId", "username", "email", "csrf_token"}
    assert (body["userId"], body["username"], body["email"]) == ("user_alice", "alice", "alice@example.com")
    assert "csrftoken" in response.cookies


FRONTEND = "http://localhost:3000"
ITEM = {
    "name": "Blue Umbrella",
    "picture_url": "☂️",
    "item_type": "Clothing_Accessories",
    "status": "Keep",
    "item_received_date": "2022-03-01T00:00:00Z",
    "last_used": "2022-03-01T00:00:00Z",
}


def preflight(origin: str, method: str = "POST"):
    return Client().options(
        "/api/items",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type,x-csrftoken",
        },
    )


def test_cors_preflight_allows_the_frontend_with_credentials_and_its_headers():
    response = preflight(FRONTEND, "PUT")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert response["Access-Control-Allow-Credentials"] == "true"
    allowed_headers = {name.strip() for name in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "x-csrftoken"} <= allowed_headers
    assert "PUT" in response["Access-Control-Allow-Methods"]


def test_cors_preflight_from_an_unlisted_origin_gets_no_cors_headers():
    response = preflight("https://evil.example")

    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


def test_cors_answers_expose_the_count_link_rate_limit_and_request_id_headers(alice_api):
    response = alice_api.get("/api/items?limit=5", headers={"Origin": FRONTEND})

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert response["Access-Control-Allow-Credentials"] == "true"
    exposed = {name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert exposed == {
        "x-total-count",
        "link",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "retry-after",
        "x-request-id",
        "deprecation",
        "sunset",
    }
    assert {"X-Total-Count", "X-RateLimit-Remaining"} <= set(response.headers)


def test_cors_errors_carry_the_headers_too(alice_api):
    response = alice_api.post("/api/items", {}, headers={"Origin": FRONTEND})

    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert response["Access-Control-Allow-Credentials"] == "true"


def test_cors_credentials_can_be_turned_off(settings):
    settings.CORS_ALLOW_CREDENTIALS = False

    response = preflight(FRONTEND)

    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("with_cookie", [False, True], ids=["header only", "header and cookie"])
def test_a_cross_origin_write_with_the_csrf_header_works(alice, with_cookie):
    """The frontend sends the token from /api/clerk-jwt as X-CSRFToken; with credentials included the browser
    may send the cookie that call set as well."""
    client = Client(enforce_csrf_checks=True)
    token = issue_dev_token(alice)
    csrf = client.get("/api/clerk-jwt", headers={"Authorization": f"Bearer {token}"}).json()["csrf_token"]
    if not with_cookie:
        client.cookies.clear()

    response = client.post(
        "/api/items",
        data=json.dumps(ITEM),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "X-CSRFToken": csrf, "Origin": FRONTEND},
    )

    assert response.status_code == 201, response.content
    assert response["Access-Control-Allow-Credentials"] == "true"


def test_tokens_are_never_logged(alice, caplog):
    token = issue_dev_token(alice)
    with caplog.at_level(logging.DEBUG):
        ApiClient(token + "x").get("/api/clerk-jwt")
        ApiClient(token).get("/api/clerk-jwt")

    formatted = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert "Unauthorized: /api/clerk-jwt" in formatted
    assert token not in formatted
    assert token[:20] not in formatted


def test_log_lines_are_json():
    record = logging.LogRecord("minNow", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
    record.status_code = 401

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "hello world"
    assert line["level"] == "WARNING"
    assert line["status_code"] == 401


@pytest.mark.parametrize("email", ["\u0000@0.0", "İ" * 130 + "@example.com", "\x1c@b.c", "a@b"])
def test_dev_login_refuses_emails_that_are_invalid_once_lowercased_or_hold_control_characters(email):
    response = ApiClient().post("/api/dev/auth/clerk-login", {"email": email})

    assert response.status_code == 400
    assert not User.objects.exists()


def test_unknown_api_urls_and_wrong_methods_answer_json(alice_api):
    unknown = alice_api.get("/api/nope")
    wrong_method = alice_api.request("patch", "/api/items")

    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Not found"})
    assert (wrong_method.status_code, wrong_method.json()) == (405, {"detail": "Method not allowed"})
    assert "GET" in wrong_method["Allow"]
    assert Client().get("/not-api").status_code == 404


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"PROD": "False", "DEBUG": "True"}, "Development mode (DEBUG=True, PROD=False)"),
        ({"PROD": "True", "SECRET_KEY": "k7#Qw9!zR2@xL5$mN8^pT3&vB6*yH1(cD4)fG0-jS_aE+uI=oP"}, "Production mode"),
    ],
)
@pytest.mark.slow  # a fresh process
def test_the_server_says_at_start_up_which_mode_it_runs_in(env, line):
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "INFO", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert line in result.stdout


@pytest.mark.slow  # a fresh process
def test_gunicorn_opens_no_shared_control_socket():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from gunicorn.config import Config; c = Config(); c.set('config', 'gunicorn.conf.py');"
            "import runpy; [c.set(k, v) for k, v in runpy.run_path('gunicorn.conf.py').items() if k in c.settings];"
            "print(c.control_socket_disable)",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == "True", result.stderr


def test_admin_login_is_locked_after_five_failures_from_one_address():
    User.objects.create_superuser(username="root", email="root@example.com", password="a-long-admin-password-1")
    attacker = Client(REMOTE_ADDR="198.51.100.7")

    def login(client: Client, password: str):
        return client.post("/admin/login/?next=/admin/", {"username": "root", "password": password})

    failures = [login(attacker, f"guess-{n}").status_code for n in range(5)]
    locked = login(attacker, "a-long-admin-password-1")
    elsewhere = login(Client(REMOTE_ADDR="198.51.100.8"), "a-long-admin-password-1")

    assert failures == [200] * 4 + [429]  # the form again with an error, then the fifth failure locks
    assert locked.status_code == 429  # even the right password
    assert elsewhere.status_code == 302  # another address is not affected
