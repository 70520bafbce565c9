# seminar_reg: `make run` serves the demo, `make test` runs every check. Both install first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := seminar_reg

.PHONY: install run serve-prod test lint format bench bench-rush clean translations

$(BIN)/activate:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstalled whenever the declared dependencies change.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test,serve]'
	touch $@

# Translations: the catalogs are committed as .po; install compiles each into its .mo.
CATALOGS := $(wildcard seminar_reg/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

# axe-core, which the browser tests inject into pages to check their accessibility.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed $(COMPILED)

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

# The production topology on loopback: gunicorn, a Celery worker and beat (the Procfile), on the
# local PostgreSQL (database seminar_reg, made when missing) and Redis, with the demo loaded.
PROD_DATABASE ?= postgresql+psycopg://postgres@127.0.0.1:5432/seminar_reg
serve-prod: install instance/config.py
	$(BIN)/python -c 'import sys, sqlalchemy as sa; url = sa.engine.make_url(sys.argv[1]); \
		admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT"); \
		c = admin.connect(); name = url.database; \
		exists = c.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first(); \
		exists or c.execute(sa.text(f"CREATE DATABASE \"{name}\""))' '$(PROD_DATABASE)'
	SEMINAR_REG_SQLALCHEMY_DATABASE_URI='$(PROD_DATABASE)' $(BIN)/flask db upgrade
	SEMINAR_REG_SQLALCHEMY_DATABASE_URI='$(PROD_DATABASE)' $(BIN)/flask seed-demo
	@echo "Serving on http://$(HOST):$(PORT)/ with gunicorn, a Celery worker and beat (Ctrl+C stops)"
	SEMINAR_REG_SQLALCHEMY_DATABASE_URI='$(PROD_DATABASE)' \
	SEMINAR_REG_CELERY_BROKER_URL=redis://127.0.0.1:6379/0 SEMINAR_REG_OUTBOX_DISPATCH=celery \
	SEMINAR_REG_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 WEB_BIND=$(HOST):$(PORT) \
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

lint: install
	$(BIN)/ruff check seminar_reg tests bench wsgi.py
	$(BIN)/ruff format --check seminar_reg tests bench wsgi.py

test: install lint node_modules/.installed
	$(BIN)/python -m pytest

# Benchmarks print figures; they are not tests. They need the local PostgreSQL and Redis.
bench: install
	$(BIN)/python -m bench.outbox_delivery
	$(BIN)/python -m bench.attendance_import
	$(BIN)/python -m bench.certificates
	$(BIN)/python -m bench.reports
	$(BIN)/python -m bench.registration_rush

# The registration rush over HTTP on the production topology (issue 8); about five minutes.
bench-rush: install
	$(BIN)/python -m bench.registration_rush

# After changing marked strings: extract them and merge them into every catalog to translate.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _ln:1,2 -k lazy_ngettext:1,2 --no-location --sort-output \
		--project seminar_reg --copyright-holder seminar_reg -o seminar_reg/translations/messages.pot .
	$(BIN)/pybabel update -i seminar_reg/translations/messages.pot -d seminar_reg/translations \
		--no-fuzzy-matching --ignore-obsolete

format: install
	$(BIN)/ruff check --fix seminar_reg tests bench wsgi.py
	$(BIN)/ruff format seminar_reg tests bench wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
