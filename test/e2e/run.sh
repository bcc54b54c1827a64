#!/usr/bin/env bash
# npm run test:e2e — the package in real n8n, end to end, against the local sandbox.
#
#   npm run test:e2e                    n8n 2.x (Node 24, installed once into ~/.cache/n8n-nodes-ringready)
#   E2E_N8N_LINE=1 npm run test:e2e     n8n 1.x (the machine's Node 20)
#
# Builds and packs the package, installs it the way n8n installs community packages into fresh user
# folders, and runs test/e2e/e2e.ts. Loopback only; free ports; everything started is stopped on exit.
# Other knobs: E2E_KEEP=1 keeps the work folder (user folders, n8n logs); E2E_TRIGGER_POLLS=N (default 2).
# The last line of output is "N passed, N failed"; the exit code is non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. scripts/lib.sh

line="${E2E_N8N_LINE:-2}"
case "$line" in 1|2) ;; *) echo "E2E_N8N_LINE must be 1 or 2, not '$line'" >&2; exit 2 ;; esac

work="$(mktemp -d "${TMPDIR:-/tmp}/ringready-e2e-$line.XXXXXX")"
pids="$work/pids"
: > "$pids"
runner=""

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill -TERM "$runner" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$runner" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$runner" 2>/dev/null || true
  fi
  # Every n8n process the runner started leads its own process group; stop any still running.
  if [ -s "$pids" ]; then
    while read -r pid; do
      [ -n "$pid" ] && kill -0 "-$pid" 2>/dev/null && kill -TERM "-$pid" 2>/dev/null || true
    done < "$pids"
    sleep 1
    while read -r pid; do
      [ -n "$pid" ] && kill -0 "-$pid" 2>/dev/null && kill -KILL "-$pid" 2>/dev/null || true
    done < "$pids"
  fi
  [ "${E2E_KEEP:-}" = 1 ] || rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { echo "[e2e] $*"; }

step "building the package"
npm run build --silent >"$work/build.log" 2>&1 || { cat "$work/build.log"; echo "0 passed, 1 failed"; exit 1; }

step "packing it (npm pack) and unpacking the tarball"
tarball="$(npm pack --silent --pack-destination "$work" 2>/dev/null | tail -n 1)"
mkdir -p "$work/pkg"
tar -xzf "$work/$tarball" -C "$work/pkg"

step "real n8n $line.x (installed once into $RR_CACHE)"
if [ "$line" = 2 ]; then cached="$N8N2_DIR"; else cached="$N8N1_DIR"; fi
[ -f "$cached/.complete" ] || step "first use: installing n8n $line.x, about 4 minutes ..."
n8n_dir="$(bash scripts/install-n8n.sh "$line" | tail -n 1)"
if [ "$line" = 2 ]; then n8n_node="$NODE24_DIR/bin/node"; else n8n_node="$(command -v node)"; fi

[ "${E2E_KEEP:-}" = 1 ] && step "work folder (kept after the run): $work"
step "running the checks"
E2E_N8N_LINE="$line" E2E_N8N_DIR="$n8n_dir" E2E_N8N_NODE="$n8n_node" \
E2E_PACKAGE_DIR="$work/pkg/package" E2E_WORK_DIR="$work/run" E2E_PIDS_FILE="$pids" \
  node -r ts-node/register/transpile-only test/e2e/e2e.ts &
runner=$!
set +e
wait "$runner"
status=$?
set -e
runner=""
exit "$status"
