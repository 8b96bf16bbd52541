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
        test-sqlite test-postgres test-dates test-other-date bench clean system-packages

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

# The SQLite suite with the system clock moved (faketime) to each of DATES, a complete run for
# each: the summer holidays, 1 September, 31 December, a working Saturday, 29 February.
DATES ?= 2027-07-15 2026-09-01 2026-12-31 2025-11-01 2028-02-29
# The one date `make test` (and so CI) moves the clock to: the first of DATES that is not today.
TEST_DATE ?= $(firstword $(filter-out $(shell date +%F),$(DATES)))

test-dates: install
	OTMETKA_REQUIRE_BROWSER=1 scripts/test-dates.sh $(DATES)

test-other-date: install
	OTMETKA_REQUIRE_BROWSER=1 scripts/test-dates.sh $(TEST_DATE)

# Chromium, PostgreSQL, gettext, faketime, Pango and fonts: installed when we are root with
# apt-get, otherwise the command to install them is printed before anything runs.
system-packages:
	@scripts/system-packages.sh

test: system-packages messages lint types migrations-check test-sqlite test-postgres \
      test-other-date

bench: migrate
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var/otmetka.sqlite3* var/bench.sqlite3*
