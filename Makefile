# make run: the API on SQLite with demo data at http://127.0.0.1:8000 (docs at /api/docs);
#   make run PORT=8010 serves on another port (the printed Swagger URL and curl line follow it)
# make test: the test suite (set DATABASE_URL to run it against PostgreSQL)
# make test-fast: the suite without the tests marked slow (servers, browsers, subprocesses, fuzzing, timeouts)
# make messages: refresh the es, de and fr catalogs (locale/*/LC_MESSAGES/django.po) after marking new strings;
#   the .mo files are built from them by the install step (GNU gettext's msgfmt: apt-get install gettext)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
APPS := config minNow users items locations agent search portability

.PHONY: run test test-fast openapi lint format bench bench-growth bench-live profile messages compilemessages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The catalogs' compiled .mo files are not in git: the install step builds them, and run and test rebuild
# them (a fraction of a second) so that an edited .po is always what they see.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(MAKE) --no-print-directory compilemessages
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	$(MAKE) --no-print-directory compilemessages
	touch $@ $(VENV)/.installed

# Without msgfmt the API still runs, in English only: say how to get it rather than stop.
compilemessages: | $(BIN)/python
	@if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages --ignore=.venv -v 0; else \
		echo "msgfmt (GNU gettext) is missing, so messages stay in English and the translation tests fail:" \
			"install it (apt-get install gettext; macOS: brew install gettext), then run make compilemessages" >&2; fi

messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l es -l de -l fr --ignore=.venv --ignore=agent --ignore=bench \
		--ignore='*/tests/*' --add-location=file --no-obsolete

run: $(VENV)/.installed compilemessages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --base-url http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py load_location_fixtures --user-email demo@example.com
	@# One ASGI process serves HTTP and the live-updates WebSocket (/ws/), so the in-memory channel layer reaches it.
	$(BIN)/uvicorn config.asgi:application --host 127.0.0.1 --port $(PORT) --lifespan off --reload $(addprefix --reload-dir ,$(APPS))

test: $(VENV)/.installed-dev compilemessages
	$(BIN)/pytest $(ARGS)

test-fast: $(VENV)/.installed-dev compilemessages
	$(BIN)/pytest -m "not slow" $(ARGS)

# The published OpenAPI document (config/openapi.py); a test fails while it is out of date.
openapi: $(VENV)/.installed
	$(BIN)/python manage.py shell -v 0 -c "from config.openapi import main; main()"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py $(ARGS)
	$(BIN)/python bench/growth.py $(GROWTH_ARGS)

bench-growth: $(VENV)/.installed-dev
	$(BIN)/python bench/growth.py $(GROWTH_ARGS)

# Live updates: idle sockets on one uvicorn and commit-to-delivery latency (PostgreSQL bench_live, Redis db 13).
bench-live: $(VENV)/.installed-dev
	$(BIN)/python bench/live.py $(LIVE_ARGS)

profile: $(VENV)/.installed-dev
	$(BIN)/python bench/profile_api.py $(ARGS)
