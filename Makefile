# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test install migrate demo lint format bench clean messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo_data

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production: Gunicorn (gunicorn.conf.py reads WEB_CONCURRENCY, BIND or HOST/PORT,
# timeouts) and the task worker, with the production settings against DATABASE_URL.
# Ctrl-C stops both; if either stops on its own, the other is stopped too.
PROD := DJANGO_SETTINGS_MODULE=website.settings.production
serve: install
	$(PROD) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(PROD) $(PY) manage.py migrate --noinput
	$(PROD) bash -c 'stop() { kill -TERM $$web $$worker 2>/dev/null; wait; }; \
		trap stop INT TERM EXIT; \
		$(VENV)/bin/gunicorn --config gunicorn.conf.py & web=$$!; \
		$(PY) manage.py db_worker & worker=$$!; \
		wait -n'

# pytest-xdist runs the suite on every core (`PYTEST_ARGS="-n 0"` runs it in one process).
test: install
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) bench/search.py

# Refresh every package's catalogue (needs GNU gettext's xgettext, a developer tool),
# then compile them with polib. The compiled .mo files are committed: `make run`
# needs neither (docs/i18n.md).
messages: install
	for package in website directory editorial search newsletter accounts common; do \
		mkdir -p $$package/locale && \
		(cd $$package && ../$(PY) ../manage.py makemessages -l es -l pt_BR \
			--no-obsolete --no-location --ignore "tests/*" -e html,txt,py) || exit 1; \
	done
	$(PY) manage.py compile_catalogues

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media static
