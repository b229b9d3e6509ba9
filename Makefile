# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper of those.
# Python 3.11+ is required; set PYTHON=python3.12 (say) to pick another interpreter.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
AKISMET_PORT ?= 8765

.PHONY: run test lint bench bench-peers bench-import messages clean-venv install install-dev loadtest

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Re-install only when the pinned requirements change: a second `make run` starts in seconds.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-optional.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	HOST=$(HOST) PORT=$(PORT) AKISMET_PORT=$(AKISMET_PORT) PY=$(PY) bash bin/run-dev

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=newsroom.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=newsroom.settings.test $(PY) manage.py check

# Two processes (pytest-xdist, one per core here; `auto` is one per core), each test file kept on one
# worker (module fixtures such as the loaded demo are built once). The test databases are kept between
# runs and only migrated forward; CI and `make test TEST_DB=--create-db` build them afresh.
# --no-loadscope-reorder: files go out in collection order, in which pytest-django puts the transactional
# tests last; xdist's default (biggest file first) would let their flush empty a worker's database (the
# root page, collection and groups the migrations wrote) before the tests that need it.
TEST_WORKERS ?= auto
TEST_DB ?= --reuse-db
test: lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(TEST_DB) $(PYTEST_ARGS)

# The benchmark builds its own database (a SQLite file, or BENCH_DB: a PostgreSQL database whose name
# contains "bench"), measures the pages at the demo's size, adds BENCH_ARTICLES / BENCH_COMMENTS in bulk
# and measures again, through gunicorn with production settings on BENCH_PORT.
BENCH_DB ?= sqlite:///$(CURDIR)/.bench.sqlite3
BENCH_ARTICLES ?= 20000
BENCH_COMMENTS ?= 200000
BENCH_PORT ?= 8150
# The servers' Redis database (production settings need one); flushed at each server start.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/8
bench: $(VENV)/.installed-dev
	DATABASE_URL=$(BENCH_DB) $(PY) manage.py bench --fresh --articles $(BENCH_ARTICLES) --comments $(BENCH_COMMENTS) --port $(BENCH_PORT) --redis-url $(BENCH_REDIS_URL)

# Our static file, article with 50 comments and home page against the peers (bakerydemo on 18510,
# WordPress on 8081; see the README's Benchmarks), in interleaved wrk rounds, as ratios. PEERS_ARGS adds
# targets: PEERS_ARGS='--target "ours: article, cached={ours}/..."'.
PEERS_DB ?= $(BENCH_DB)
PEERS_ARGS ?=
bench-peers: $(VENV)/.installed-dev
	DATABASE_URL=$(PEERS_DB) REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py bench_peers --port $(BENCH_PORT) --redis-url $(BENCH_REDIS_URL) $(PEERS_ARGS)

# A load run with faults on loopback: gunicorn on production settings, the task worker, the Akismet stand-in;
# 200 readers and 20 commenters for 60 s (see the README's "Load test"). LOADTEST_ARGS go to manage.py loadtest.
LOADTEST_PORT ?= 8170
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsroom_loadtest
LOADTEST_REDIS_URL ?= redis://127.0.0.1:6379/7
loadtest: $(VENV)/.installed
	PY=$(PY) LOADTEST_PORT=$(LOADTEST_PORT) LOADTEST_DATABASE_URL=$(LOADTEST_DATABASE_URL) \
		LOADTEST_REDIS_URL=$(LOADTEST_REDIS_URL) bash bin/loadtest $(LOADTEST_ARGS)

# The WordPress import on a synthetic export in its own SQLite file (.bench-import.sqlite3): time, rate, memory.
BENCH_IMPORT_ARGS ?= --posts 10000 --comments 100000
bench-import: $(VENV)/.installed-dev
	$(PY) manage.py bench_import $(BENCH_IMPORT_ARGS)

# Re-extract and compile the Arabic catalogue after changing UI strings (needs GNU gettext).
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale ar --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	$(PY) manage.py makemessages --locale ar --domain djangojs --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	$(PY) manage.py compilemessages --locale ar --ignore '.venv/*'

clean-venv:
	rm -rf $(VENV)
