# Sapa — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
export FLASK_APP := wsgi.py
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install install-test translations translations-update lint bench db-upgrade clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Compile the interface catalogues (kk, ru, uk, en) into .mo files.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | tail -n 4

## Extract strings from code and templates and merge them into every catalogue.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --width 100 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width 100

db-upgrade: $(VENV)/.installed translations
	$(BIN)/flask db upgrade

## Install, migrate the embedded SQLite database, load the demo on first start, serve.
run: db-upgrade
	$(BIN)/flask seed-demo --if-empty
	@echo ""
	@echo "  Sapa is running at http://$(HOST):$(PORT)/"
	@echo "  Demo sign-ins at http://$(HOST):$(PORT)/staff/login (password: sapa-demo-2026)"
	@echo "    admin@demo.sapa · evaluator@demo.sapa · monitor@demo.sapa · monitor.ua@demo.sapa"
	@echo "    manager@demo.sapa · worker@demo.sapa"
	@echo "  Stop with Ctrl+C."
	@echo ""
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --worker-class gthread --threads 4 \
		--timeout 300 --log-level warning wsgi:app

## Everything the tests need, then the whole suite (SQLite, a throwaway PostgreSQL, headless Chromium).
test: install-test translations
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/pip-audit --requirement requirements.txt --progress-spinner off

## The statistics on 1,000,000 responses; the others below each have their own target.
bench: install-test translations
	$(BIN)/python benchmarks/bench_analysis.py

## Provider comparison page on 2,000 providers and 1,000,000 responses (gunicorn, 2 workers).
bench-pages: install-test translations
	$(BIN)/python benchmarks/bench_pages.py

## Export of 1,000,000 responses as CSV, XLSX and SPSS.
bench-export: install-test translations
	$(BIN)/python benchmarks/bench_export.py

## flask backup and flask restore of the demo database (SQLite and PostgreSQL).
bench-backup: install-test translations
	$(BIN)/python benchmarks/bench_backup.py

## Full JSON submissions under load (gunicorn, 2 workers, durable PostgreSQL, wrk) against a bare one-row insert.
.PHONY: bench-pages bench-export bench-backup bench-load bench-faults
bench-load: install-test translations
	$(BIN)/python benchmarks/bench_submit.py

## A worker SIGKILLed every 10 s and PostgreSQL restarted during load; nothing lost, nothing duplicated.
bench-faults: install-test translations
	$(BIN)/python benchmarks/bench_faults.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
