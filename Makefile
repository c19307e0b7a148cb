# elearn: `make run` to try it, `make test` to check it. `make help` lists every target.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: help run install install-dev translations migrate seed content test test-sqlite test-postgres \
	lint format system-deps extract-messages bench bench-lighthouse clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt .venv-lrs/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# The Learning Record Store of the xAPI tests, apart: its pins are not the app's.
.venv-lrs/.installed: requirements-lrs.txt
	test -x .venv-lrs/bin/python || $(PYTHON) -m venv .venv-lrs
	.venv-lrs/bin/python -m pip install --quiet -r requirements-lrs.txt
	touch $@

install: $(BIN)/.installed ## Create .venv and install the pinned runtime dependencies

install-dev: $(BIN)/.installed-dev ## Install the test and tooling dependencies too

translations: $(BIN)/.installed ## Compile the interface translations
	$(BIN)/pybabel compile -d elearn/translations -f

migrate: $(BIN)/.installed ## Create or upgrade the database (SQLite in instance/ by default)
	$(BIN)/flask db upgrade

seed: content ## Load the demo agency, accounts and activity (kept on later runs)
	$(BIN)/flask demo seed

content: migrate ## Import every course package in content/
	@if $(BIN)/flask content --help >/dev/null 2>&1; then $(BIN)/flask content import content/*/; fi
	@# Lessons stored by an older elearn get today's renderer (adds no version; quick when current).
	$(BIN)/flask content rerender

run: translations seed ## Install, migrate, load demo data and courses, serve on http://127.0.0.1:5000 with the job worker
	scripts/run-dev.sh

system-deps: ## Install PostgreSQL, Chromium, Redis, nginx and openssl from Debian's packages when missing
	scripts/system-deps.sh

lint: $(BIN)/.installed-dev ## Lint and check formatting (ruff)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev ## Format the code (ruff)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-dev translations system-deps lint ## Run the whole suite on SQLite and PostgreSQL, with coverage
	scripts/run-tests.sh

test-sqlite: install-dev translations ## Run the suite on SQLite only (quick)
	$(BIN)/pytest -q

extract-messages: $(BIN)/.installed ## Update the translation catalogs from the code and templates
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o elearn/translations/messages.pot .
	$(BIN)/pybabel update -i elearn/translations/messages.pot -d elearn/translations --no-fuzzy-matching

LIGHTHOUSE := .lighthouse/node_modules/.bin/lighthouse

$(LIGHTHOUSE):
	@command -v npm >/dev/null || { echo "Lighthouse needs npm (Debian: apt-get install npm)"; exit 1; }
	npm install --prefix .lighthouse --no-audit --no-fund lighthouse@13.5.0

bench-lighthouse: install-dev $(LIGHTHOUSE) ## Lighthouse (mobile) scores of sign-in, My learning and a lesson
	$(BIN)/python bench/lighthouse.py --lighthouse $(LIGHTHOUSE)

bench: install-dev $(LIGHTHOUSE) ## Run the benchmark scripts (by hand; they print figures)
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean: ## Remove the virtualenv and caches (keeps instance/ data)
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov
