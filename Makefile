# Two entry points on a fresh machine: `make demo` and `make test`. Both bootstrap what they need.
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
export UV_LINK_MODE := copy
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_VERSION_CHECK := false
export RUNTIME__DLTHUB_TELEMETRY := false

WEB := src/gata/web
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: setup browser demo dagster test reliability bench lint clean

$(UV):
	python3 -m pip install --quiet --user "uv==$(UV_VERSION)" || python3 -m pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups --compile-bytecode
	touch .venv/.synced

# front-end assets from npm (package-lock.json is committed, node_modules is not); npm writes the stamp
$(WEB)/node_modules/.package-lock.json: $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund

# the vendor bundles (esbuild, src/gata/web/build.mjs), then every served file compressed at the best settings
# once (brotli 11 takes about two minutes for DuckDB's 34 MB wasm; the service would otherwise compress it faster
# and less at its first request)
$(WEB)/build/.built: $(WEB)/node_modules/.package-lock.json $(WEB)/build.mjs .venv/.synced
	cd $(WEB) && node build.mjs
	$(UV) run --frozen python -m gata.web.routers.assets
	touch $@

# the browser tests drive Debian's Chromium (never a browser downloaded at run time)
$(CHROMIUM):
	$(SUDO) apt-get install -y chromium || \
	  ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium)

setup: .venv/.synced $(WEB)/node_modules/.package-lock.json $(WEB)/build/.built

browser: | $(CHROMIUM)

demo: setup
	$(UV) run --frozen gata demo

# the fleet on Dagster, locally: webserver and daemon (http://localhost:3000), tenants as partitions
GATA_DAGSTER_HOME ?= $(CURDIR)/workspace/dagster
dagster: setup
	$(UV) run --frozen python -m gata.orchestration.instance $(GATA_DAGSTER_HOME)
	DAGSTER_HOME=$(GATA_DAGSTER_HOME) $(UV) run --frozen dagster dev -m gata.orchestration.definitions

# test modules spread over TEST_WORKERS processes (pytest-xdist), a module's tests kept together so its
# fixtures are built once; the suite is mostly one busy core per test, so two workers use both cores
TEST_WORKERS ?= 2
test: setup browser
	$(UV) run --frozen pytest -q -n $(TEST_WORKERS) --dist loadfile

# the long reliability suites: 21 kill -9 trials (7 per phase: landing, dbt build, publishing; `make test`
# runs 3) and the load test for >= 60 s while all three demo tenants are re-onboarded (`make test`: one, >= 20 s);
# the abuse load test takes six turns of flood (`make test`: three); the long sequences (10 warehouse syncs,
# 12 landing syncs) and every live check on every ad platform run here only
reliability: setup browser
	GATA_FAULT_TRIALS=21 GATA_FAULT_ONBOARD_TRIALS=6 GATA_RELIABILITY=long $(UV) run --frozen pytest -q -s \
		tests/reliability tests/connectors/live/test_platforms.py \
		tests/warehouse/test_sync.py tests/ingest/test_sync_landing.py

bench: setup
	$(UV) run --frozen python bench/run_all.py

lint: setup
	$(UV) run --frozen ruff check src tests bench

clean:
	rm -rf workspace .pytest_cache test-artifacts bench/out $(WEB)/build
