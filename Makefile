# Omni Admin — the two commands: `make run` and `make test` (see README.md).
# Works on a fresh Debian 12 machine with the Rust toolchain, apt and npm: missing tools
# are installed at pinned versions (scripts/ensure-tools.sh), and a local PostgreSQL is
# created under .data/ when DATABASE_URL is unset or unreachable (scripts/ensure-db.sh).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Build caches live outside the clone so fresh clones (CI) build incrementally.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/omni-admin/target
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/frontend/node_modules/.bin:$(PATH)
# Compile-time query checks use the committed .sqlx/ data, not a live database.
export SQLX_OFFLINE := true

OMNI_PORT ?= 8080
DEMO_MCP_PORT ?= 8091
E2E_PORT ?= 18181
E2E_DEMO_MCP_PORT ?= 18191
BIN_RELEASE := $(CARGO_TARGET_DIR)/release/omni-admin
BIN_DEMO := $(CARGO_TARGET_DIR)/release/omni-demo-mcp

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: run
run: tools spa ## Build everything and start the server on 127.0.0.1:$(OMNI_PORT), with demo data
	cargo build --release -p omni-admin -p omni-demo-mcp
	@server=$$(scripts/ensure-db.sh); \
	 db=$$(scripts/ensure-database.sh "$$server" omni_admin); \
	 echo "Database: $$db"; \
	 $(BIN_DEMO) --port $(DEMO_MCP_PORT) & demo=$$!; \
	 trap 'kill $$demo 2>/dev/null' EXIT; \
	 DATABASE_URL="$$db" $(BIN_RELEASE) seed-demo --mcp-url http://127.0.0.1:$(DEMO_MCP_PORT)/mcp; \
	 DATABASE_URL="$$db" OMNI_PORT=$(OMNI_PORT) OMNI_STATIC_DIR=frontend/dist \
	   OMNI_LOG_FORMAT=$${OMNI_LOG_FORMAT:-pretty} $(BIN_RELEASE) serve

.PHONY: test
test: tools-test ## fmt, clippy, sqlx check, Rust tests, OpenAPI drift, SPA build, e2e
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p omni-admin-frontend --target wasm32-unknown-unknown -- -D warnings
	@server=$$(scripts/ensure-db.sh); \
	 check_db=$$(scripts/ensure-database.sh "$$server" omni_admin_sqlx_check --fresh); \
	 DATABASE_URL="$$check_db" cargo sqlx migrate run --source migrations; \
	 DATABASE_URL="$$check_db" SQLX_OFFLINE=false cargo sqlx prepare --workspace --check; \
	 echo "== Rust tests (fresh database per test on $$server)"; \
	 DATABASE_URL="$$server/postgres" cargo test --workspace; \
	 cargo build -p omni-admin -p omni-demo-mcp; \
	 $(MAKE) --no-print-directory spa; \
	 echo "== e2e (Playwright + $$(chromium --version 2>/dev/null))"; \
	 cd e2e && OMNI_E2E_SERVER_URL="$$server" OMNI_E2E_PORT=$(E2E_PORT) \
	   OMNI_E2E_DEMO_MCP_PORT=$(E2E_DEMO_MCP_PORT) npx playwright test

.PHONY: bench
bench: ## Measure sign-in, audit export, health sweep, can-call, usage ingestion and analytics, live fan-out, config diff/apply, the SPA's size
	cargo build --release -p omni-demo-mcp
	@server=$$(scripts/ensure-db.sh); \
	 db=$$(scripts/ensure-database.sh "$$server" omni_admin_bench --fresh); \
	 DATABASE_URL="$$db" cargo bench -p omni-admin --bench login; \
	 db=$$(scripts/ensure-database.sh "$$server" omni_admin_bench --fresh); \
	 DATABASE_URL="$$db" cargo bench -p omni-admin --bench audit_export; \
	 db=$$(scripts/ensure-database.sh "$$server" omni_admin_bench --fresh); \
	 DATABASE_URL="$$db" OMNI_DEMO_MCP_BIN=$(BIN_DEMO) cargo bench -p omni-admin --bench health_sweep; \
	 db=$$(scripts/ensure-database.sh "$$server" omni_admin_bench --fresh); \
	 DATABASE_URL="$$db" cargo bench -p omni-admin --bench can_call; \
	 db=$$(scripts/ensure-database.sh "$$server" omni_admin_bench --fresh); \
	 DATABASE_URL="$$db" cargo bench -p omni-admin --bench usage; \
	 db=$$(scripts/ensure-database.sh "$$server" omni_admin_bench --fresh); \
	 DATABASE_URL="$$db" cargo bench -p omni-admin --bench live; \
	 db=$$(scripts/ensure-database.sh "$$server" omni_admin_bench --fresh); \
	 DATABASE_URL="$$db" cargo bench -p omni-admin --bench config
	$(MAKE) --no-print-directory spa
	@scripts/spa-size.mjs frontend/dist

.PHONY: spa
spa: ## Build the SPA (release, split into chunks) into frontend/dist
	scripts/build-spa.sh

.PHONY: openapi
openapi: ## Regenerate openapi/openapi.json from the code
	cargo run -q -p omni-admin -- openapi > openapi/openapi.json

.PHONY: sqlx-prepare
sqlx-prepare: ## Refresh .sqlx/ after changing a query
	@server=$$(scripts/ensure-db.sh); \
	 db=$$(scripts/ensure-database.sh "$$server" omni_admin_sqlx_check --fresh); \
	 DATABASE_URL="$$db" cargo sqlx migrate run --source migrations; \
	 DATABASE_URL="$$db" SQLX_OFFLINE=false cargo sqlx prepare --workspace

.PHONY: tools tools-test
tools: ## Install the build tools that are missing
	scripts/ensure-tools.sh build
tools-test:
	scripts/ensure-tools.sh test

.PHONY: db-stop
db-stop: ## Stop the local PostgreSQL started under .data/
	@bin=$$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); \
	 for d in .data/pg /var/tmp/omni-admin-pg-*; do \
	   [ -f "$$d/postmaster.pid" ] || continue; \
	   if [ "$$(id -u)" -eq 0 ]; then runuser -u postgres -- "$$bin/pg_ctl" -D "$$d" stop -m fast; \
	   else "$$bin/pg_ctl" -D "$$d" stop -m fast; fi; \
	 done
