# seminar_reg: `make run` serves the demo, `make test` runs every check. Both install first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := seminar_reg

.PHONY: install run test lint format bench clean

$(BIN)/activate:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstalled whenever the declared dependencies change.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# A secret key for this installation, made once and kept in the instance folder.
instance/config.py:
	@mkdir -p instance
	@$(BIN)/python -c 'import secrets; print(f"SECRET_KEY = {secrets.token_hex(32)!r}")' > $@
	@echo "Wrote $@ with a new SECRET_KEY."

run: install instance/config.py
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/  (sign in at http://$(HOST):$(PORT)/login; Ctrl+C stops)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check seminar_reg tests bench wsgi.py
	$(BIN)/ruff format --check seminar_reg tests bench wsgi.py

test: install lint
	$(BIN)/python -m pytest

# Benchmarks print figures; they are not tests. They need the local PostgreSQL and Redis.
bench: install
	$(BIN)/python -m bench.outbox_delivery
	$(BIN)/python -m bench.attendance_import
	$(BIN)/python -m bench.certificates
	$(BIN)/python -m bench.reports

format: install
	$(BIN)/ruff check --fix seminar_reg tests bench wsgi.py
	$(BIN)/ruff format seminar_reg tests bench wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
