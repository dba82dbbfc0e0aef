# exchange_app: the two commands of the README, and a few helpers.
#   make run   - install, migrate, seed, ensure an admin exists, serve on http://127.0.0.1:5000
#   make test  - install test dependencies, lint, run the whole suite on SQLite and PostgreSQL

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
TEST_DATABASE_URL_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
FLASK := $(BIN)/flask --app exchange_app

.PHONY: bench run test install install-test translations translations-update lint serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(MAKE) --no-print-directory translations

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@# The PDF tests read PDFs with poppler's pdffonts/pdftotext.
	@if ! command -v pdffonts >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null; }; \
	fi
	@# Browser tests drive the Debian chromium (never a downloaded browser build).
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null; }; \
	fi
	$(MAKE) --no-print-directory translations

translations:
	$(BIN)/pybabel compile --use-fuzzy -d exchange_app/translations -f >/dev/null

# For developers: pick up new strings, then translate them in the .po files.
translations-update:
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o exchange_app/translations/messages.pot .
	$(BIN)/pybabel update -i exchange_app/translations/messages.pot -d exchange_app/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python scripts/i18n.py fill-en
	@$(BIN)/python scripts/i18n.py missing || echo "^ these strings still need a Japanese translation (exchange_app/translations/ja)"

run: install
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) ensure-admin
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'exchange_app:create_app()'

lint: install-test
	$(BIN)/ruff check .

test: install-test
	$(BIN)/ruff check .
	$(BIN)/python scripts/run_tests.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Loads demo data at scale 100 into SQLite and PostgreSQL and measures the main pages with wrk.
bench:
	$(MAKE) --no-print-directory install
	@if ! command -v wrk >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }; \
	fi
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)
