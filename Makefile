# Otmetka — two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SIZE ?= college
export DJANGO_SETTINGS_MODULE := otmetka.settings

.PHONY: run install migrate demo test lint types migrations-check messages makemessages \
        test-sqlite test-postgres bench clean system-packages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Extract new strings into the catalogues (run after changing user-facing text).
makemessages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l ru -l en --ignore='.venv/*' --ignore='var/*' \
		--ignore='bench/*' --no-obsolete --add-location=file

# Compile the catalogues (the compiled .mo files are committed, so `make run` needs no gettext).
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		DEBUG=1 $(BIN)/python manage.py compilemessages --ignore='.venv/*' -v0; \
	else echo "msgfmt not found (apt-get install gettext): using the committed .mo files"; fi

migrate: install
	@mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo --size $(DEMO_SIZE) --if-empty

# The background worker (printed journals, e-mail of notifications) runs beside the server and
# stops with it; while the database is out it waits and retries (run_worker), never exits.
run: demo
	@DEBUG=1 $(BIN)/python manage.py demo_logins
	@DEBUG=1 $(BIN)/python manage.py run_worker --no-reload -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .

types: install
	OTMETKA_TESTING=1 $(BIN)/mypy otmetka bench

migrations-check: install
	OTMETKA_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: install
	OTMETKA_REQUIRE_BROWSER=1 $(BIN)/pytest -q

test-postgres: install
	OTMETKA_REQUIRE_BROWSER=1 scripts/with-postgres.sh $(BIN)/pytest -q

# Chromium, PostgreSQL, gettext, faketime, Pango and fonts: installed when we are root with
# apt-get, otherwise the command to install them is printed before anything runs.
system-packages:
	@scripts/system-packages.sh

test: system-packages messages lint types migrations-check test-sqlite test-postgres

bench: migrate
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var/otmetka.sqlite3* var/bench.sqlite3*
