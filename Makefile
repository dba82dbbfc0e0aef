# exchange_app: the two commands of the README, and a few helpers.
#   make run   - install from the lock file, migrate, seed, ensure an admin exists, serve on
#                http://127.0.0.1:5000 and run the job worker beside it (Ctrl+C stops both)
#   make test  - install the test dependencies from the lock file, lint and type-check, run the whole suite on
#                SQLite and PostgreSQL (in random order), the wheel test included, then the job-queue
#                tests on Redis
#   make lock  - update uv.lock after a dependency was added to or changed in pyproject.toml

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
TEST_DATABASE_URL_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
FLASK := $(BIN)/flask --app exchange_app

# uv installs exactly what uv.lock says (versions and hashes). It lives in a virtual
# environment of its own, installed with pip from pinned, hashed wheels.
TOOLS ?= .tools
export UV := $(abspath $(TOOLS))/bin/uv
UV_VERSION ?= 0.13.9
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON_DOWNLOADS := never
# --locked: refuse to install when pyproject.toml and uv.lock disagree (run `make lock`).
# --compile-bytecode: every process (web and job workers, commands) starts from compiled
# modules instead of compiling the libraries again, which doubled their start-up time.
SYNC := $(UV) sync --locked --compile-bytecode --python $(PYTHON)

.PHONY: bench run test install install-test translations translations-update lint serve clean \
	lock lock-upgrade lock-uv dist

$(UV): scripts/uv-requirements.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --require-hashes -r scripts/uv-requirements.txt
	@touch $(UV)

# --inexact: `make run` after `make test` keeps the test tools (both come from the same lock).
install: $(UV)
	$(SYNC) --quiet --inexact
	$(MAKE) --no-print-directory translations

install-test: $(UV)
	$(SYNC) --quiet --extra test
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

# The lock file. `make lock` keeps every pinned version that still satisfies pyproject.toml and
# resolves only what changed (a new or changed dependency); `make lock-upgrade` moves every
# package to the newest version pyproject.toml allows. Commit uv.lock with the change.
lock: $(UV)
	$(UV) lock --python $(PYTHON)

lock-upgrade: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

# uv itself: pinned with hashes in scripts/uv-requirements.txt (make lock-uv UV_VERSION=x.y.z).
lock-uv: $(UV)
	echo "uv==$(UV_VERSION)" | $(UV) pip compile --quiet --generate-hashes --universal \
		--no-header - -o scripts/uv-requirements.txt

# A release: the wheel and sdist, and requirements.txt (the lock's versions and hashes, for pip).
dist: $(UV)
	rm -rf dist
	$(UV) build --python $(PYTHON)
	$(UV) export --frozen --no-dev --no-emit-project --no-header --format requirements-txt \
		-o dist/requirements.txt --quiet

run: install
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) ensure-admin
	@echo "Starting exchange_app on http://$(HOST):$(PORT)/ with its job worker (HOST= and PORT= change it; Ctrl+C stops both)"
	@# The job worker runs beside the web server; Ctrl+C reaches both, and the worker is
	@# stopped as well whenever the web server ends.
	@$(FLASK) jobs worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/gunicorn --config python:exchange_app.gunicorn_conf --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'exchange_app:create_app()'

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

test: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python scripts/run_tests.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache dist

# Loads demo data at scale 100 into SQLite and PostgreSQL and measures the main pages with wrk.
bench:
	$(MAKE) --no-print-directory install
	@if ! command -v wrk >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }; \
	fi
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)
