#!/usr/bin/env bash
# The server the e2e suite drives: the debug binary (built by `cargo test`), a fresh
# database, the release SPA, and a known bootstrap owner. Started by Playwright.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${OMNI_E2E_SERVER_URL:?set by make test: the PostgreSQL server URL}"
# A run beside another (its own ports) names its own database.
export DATABASE_URL=$("$root/scripts/ensure-database.sh" "$OMNI_E2E_SERVER_URL" "${OMNI_E2E_DATABASE:-omni_admin_e2e}" --fresh)
export OMNI_PORT=${OMNI_E2E_PORT:-18181}
# And may serve its own build of the SPA.
export OMNI_STATIC_DIR=${OMNI_E2E_STATIC_DIR:-$root/frontend/dist}
export OMNI_BOOTSTRAP_ADMIN_EMAIL=${OMNI_E2E_EMAIL:-e2e-owner@example.com}
export OMNI_BOOTSTRAP_ADMIN_PASSWORD=${OMNI_E2E_PASSWORD:-e2e owner passphrase}
export OMNI_JWT_SECRET=e2e-only-secret-5f2b8c1d9e4a7f3b6c0d2e8a1b4c7d9f
# Every test signs in from 127.0.0.1: allow more than a person would need per minute.
export OMNI_LOGIN_ATTEMPTS_PER_MINUTE=60
export OMNI_LOG=${OMNI_LOG:-warn}
exec "${CARGO_TARGET_DIR:-$HOME/.cache/omni-admin/target}/debug/omni-admin" serve
