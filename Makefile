# The two set-up commands of the README, and a few more for daily work.
#   make run    install dependencies, build the release preset, start the server (admin listener
#               with /metrics, /healthz and /readyz on 127.0.0.1:9601)
#   make test   install dependencies, build the dev preset (ASan + UBSan) and run every test
JOBS ?= $(shell nproc)
HOST ?= 127.0.0.1
PORT ?= 6001
ADMIN_PORT ?= 9601

.PHONY: deps release dev run test fuzz bench format clean

deps:
	@bash scripts/install-deps.sh

release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

dev: deps
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev -j $(JOBS)

run: release
	@echo "herald: metrics on http://$(HOST):$(ADMIN_PORT)/metrics, health on /healthz and /readyz"
	./build/release/bin/herald serve --host $(HOST) --port $(PORT) --admin-host $(HOST) \
	    --admin-port $(ADMIN_PORT)

test: dev
	ctest --preset dev -j $(JOBS)

fuzz: deps
	@bash scripts/fuzz.sh $(or $(SECONDS_PER_TARGET),60)

bench: release
	@status=0; bash bench/run.sh || status=1; bash bench/run_server.sh || status=1; \
	    bash bench/run_rest.sh || status=1; bash bench/run_metrics.sh || status=1; \
	    bash bench/run_client.sh || status=1; \
	    bash bench/run_handshakes.sh || status=1; exit $$status

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build
