# The two commands: `make run` (the product, drill mode) and `make test` (the whole suite).
# Both create .venv and install pinned dependencies on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run reset-drill test faults lint format messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

# Third-party browser code (the QR decoder; axe-core for the accessibility tests), pinned
# in package-lock.json, never committed. Without npm the reception page still works with a
# USB scanner or name search (and the accessibility tests skip, or fail in CI).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; \
	else \
		echo "npm not found: camera scanning at reception is off until 'npm ci' runs"; \
	fi

## run: install, migrate, seed the drill and serve http://$(HOST):$(PORT) (+ a Celery worker when REDIS_URL is set)
run: $(VENV)/.run-deps node_modules/.package-lock.json
	HOST=$(HOST) PORT=$(PORT) bin/dev-server

## reset-drill: put the drill back as it starts (shelters, evacuees, supplies; drill mode only)
reset-drill: $(VENV)/.run-deps
	DEBUG=$${DEBUG:-true} LINE_MODE=$${LINE_MODE:-simulator} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} LINE_MODE=$${LINE_MODE:-simulator} $(BIN)/python manage.py seed_drill

## test: the whole suite (PostgreSQL / Redis when DATABASE_URL / REDIS_URL are set)
test: $(VENV)/.dev-deps node_modules/.package-lock.json
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## faults: the fault suite (tests/faults, not in `test`): a Celery worker and its own Redis killed mid-send
faults: $(VENV)/.dev-deps
	$(BIN)/python -m pytest tests/faults $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## messages: refresh the English catalogue after changing UI text (needs GNU gettext)
messages: $(VENV)/.dev-deps
	DEBUG=true $(BIN)/python manage.py makemessages --locale en --locale ja_Easy --ignore '.venv/*' --ignore 'staticfiles/*'
	DEBUG=true $(BIN)/python manage.py compilemessages --locale en --locale ja_Easy --ignore '.venv/*'

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
