# Otmetka — two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SIZE ?= college
export DJANGO_SETTINGS_MODULE := otmetka.settings

.PHONY: run install migrate demo serve worker test lint types migrations-check messages \
        test-sqlite test-postgres bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

messages: install
	cd otmetka && ../$(BIN)/django-admin compilemessages --ignore='.venv' >/dev/null
	cd . && $(BIN)/python manage.py compilemessages --ignore='.venv' --ignore='otmetka' >/dev/null

migrate: install
	@mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo --size $(DEMO_SIZE) --if-empty

run: demo
	@DEBUG=1 $(BIN)/python manage.py demo_logins
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .

types: install
	$(BIN)/mypy otmetka bench

migrations-check: install
	OTMETKA_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: install
	$(BIN)/pytest -q -p no:randomly

test-postgres: install
	scripts/with-postgres.sh $(BIN)/pytest -q

test: lint types migrations-check test-sqlite test-postgres

bench: migrate
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var/otmetka.sqlite3* var/bench.sqlite3*
