# make run: the API on SQLite with demo data at http://127.0.0.1:8000 (docs at /api/docs);
#   make run PORT=8010 serves on another port (the printed Swagger URL and curl line follow it)
# make test: the test suite (set DATABASE_URL to run it against PostgreSQL)
# make test-fast: the suite without the tests marked slow (servers, browsers, subprocesses, fuzzing, timeouts)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test test-fast lint format bench bench-growth profile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --base-url http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py load_location_fixtures --user-email demo@example.com
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/pytest $(ARGS)

test-fast: $(VENV)/.installed-dev
	$(BIN)/pytest -m "not slow" $(ARGS)

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

profile: $(VENV)/.installed-dev
	$(BIN)/python bench/profile_api.py $(ARGS)
