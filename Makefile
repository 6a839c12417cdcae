# One command runs the service (make run); one command runs the tests (make test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run PORT=8080 HOST=0.0.0.0`: the base URL (absolute links in feeds and pages) follows,
# unless SYNDICATE_BASE_URL is set.
HOST ?= 127.0.0.1
PORT ?= 8000
URL_HOST = $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
SYNDICATE_BASE_URL ?= http://$(URL_HOST):$(PORT)
export SYNDICATE_BASE_URL
# A few seconds for the Argos index: offline, make run goes on without models.
INDEX_TIMEOUT ?= 5

.PHONY: run test lint format catalogs bench-translate bench-feeds bench-ops bench-hosts bench-search vendor clean

# torch is installed first and pinned: on these machines torch==2.13.0 is a local CPU wheel,
# while any other spec (asked for by argostranslate -> stanza) would download a CUDA build.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# The two en<->zh packages from the Argos index when the network allows (one line when not),
# the demo newsroom (with editors' translations), what to open, then the service.
run: $(STAMP)
	@SYNDICATE_LOG_LEVEL=WARNING $(BIN)/syndicate models install --from-index en zh \
		--timeout $(INDEX_TIMEOUT) --optional
	@SYNDICATE_LOG_LEVEL=WARNING $(BIN)/syndicate init --demo
	@$(BIN)/syndicate welcome
	@$(BIN)/syndicate serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract messages from code and templates, update both catalogs (then translate the new ones).
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --omit-header

bench-translate: $(STAMP)
	$(BIN)/python -m benchmarks.translate_bench

bench-feeds: $(STAMP)
	$(BIN)/python -m benchmarks.feeds_bench

bench-ops: $(STAMP)
	$(BIN)/python -m benchmarks.ops_bench

bench-hosts: $(STAMP)
	$(BIN)/python -m benchmarks.hosts_bench

bench-search: $(STAMP)
	$(BIN)/python -m benchmarks.search_bench --articles 100000

# The desk's rich-text editor, vendored (committed; see syndicate/static/vendor/README.md).
JODIT := 4.15.13
vendor:
	rm -rf /tmp/syndicate-vendor && mkdir -p /tmp/syndicate-vendor
	cd /tmp/syndicate-vendor && npm pack --silent jodit@$(JODIT) && tar xzf jodit-$(JODIT).tgz
	mkdir -p syndicate/static/vendor/jodit-$(JODIT)
	cp /tmp/syndicate-vendor/package/es2021/jodit.min.js /tmp/syndicate-vendor/package/es2021/jodit.min.css \
		/tmp/syndicate-vendor/package/LICENSE.txt syndicate/static/vendor/jodit-$(JODIT)/

clean:
	rm -rf $(VENV) instance
