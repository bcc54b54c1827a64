#!/usr/bin/env bash
# npm run dev — real n8n on http://127.0.0.1:5678 with this package, the local sandbox RingReady API
# with demo data, a "RingReady Sandbox" credential and the example workflows. Prints the login.
# Ctrl-C stops everything. See scripts/dev.ts for the environment variables
# (RINGREADY_BASE_URL + RINGREADY_API_KEY point it at a real RingReady instead of the sandbox).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node -r ts-node/register/transpile-only scripts/dev.ts "$@"
