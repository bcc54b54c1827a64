#!/usr/bin/env bash
# npm run test:e2e — the package in real n8n, end to end, against the local sandbox.
#
#   npm run test:e2e                    n8n 2.x (Node 24, installed once into ~/.cache/n8n-nodes-ringready)
#   E2E_N8N_LINE=1 npm run test:e2e     n8n 1.x (the machine's Node 20)
#
# Builds and packs the package, installs it the way n8n installs community packages into fresh user
# folders, and runs test/e2e/e2e.ts. Loopback only; free ports; everything started is stopped on exit.
# E2E_KEEP=1 keeps the work folder (user folders, n8n logs); E2E_TRACKS=exec,server,durable,example,
# lifecycle,origins runs only those tracks.
# The last line of output is "N passed, N failed"; the exit code is non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. tools/lib.sh

line="${E2E_N8N_LINE:-2}"
case "$line" in 1|2) ;; *) echo "E2E_N8N_LINE must be 1 or 2, not '$line'" >&2; exit 2 ;; esac

run_begin e2e "ringready-e2e-$line" "${E2E_KEEP:-}" 10 2
run_prepare "$line"
step "running the checks"
run_checks test/e2e/e2e.ts E2E_N8N_LINE="$line" E2E_N8N_DIR="$n8n_dir" E2E_N8N_NODE="$n8n_node" \
  E2E_PACKAGE_DIR="$package_dir" E2E_WORK_DIR="$work/run" E2E_PIDS_FILE="$pids"
