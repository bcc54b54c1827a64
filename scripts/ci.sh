#!/usr/bin/env bash
# The one list of CI steps. .ci/run (a clean clone, this machine) runs both groups; .github/workflows/ci.yml
# runs `check` on every Node version of versions.env and `e2e` once.
#   bash scripts/ci.sh check   npm ci, build, lint (n8n-node cloud-support and lint in place), npm test, the tarball, n8n's scanner, the release check
#   bash scripts/ci.sh e2e     build, the install repair, real n8n 1.x and 2.x, the editor journey
# The n8n installs go to $RR_CACHE (default ~/.cache/n8n-nodes-ringready); E2E_1X_CACHE, when set, is
# where the 1.x line is installed instead (.ci/run keeps 2.x cold and 1.x warm).
# To fit 2 cores and the waits (network, scheduled polls), `all` installs n8n 2.x in the background from
# the start (the checks use the CPU meanwhile); the e2e group runs the 1.x line while 2.x is installed,
# then the 2.x line next to the install repair (on a copy of the install) and, once 1.x is done, the
# editor journey.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { echo; echo "=== $* ($((SECONDS - started))s)"; }

# Background jobs: each in its own process group (stopped when CI ends first), its output printed when
# waited for, with how long it ran.
declare -A bg_pid bg_log bg_at
repair_cache=""
trap 'for pid in "${bg_pid[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done; rm -rf "${repair_cache:-/nonexistent}"' EXIT
bg_start() { # NAME COMMAND...
  local name="$1"
  shift
  bg_log[$name]="$(mktemp)"
  bg_at[$name]=$((SECONDS - started))
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c '"$@"; s=$?; echo "[finished after $SECONDS s, status $s]"; exit $s' _ "$@" \
    >"${bg_log[$name]}" 2>&1 &
  bg_pid[$name]=$!
}
bg_wait() { # NAME TITLE
  local name="$1" status=0
  [ -n "${bg_pid[$name]:-}" ] || return 0
  step "$2 (started in the background at ${bg_at[$name]}s)"
  wait "${bg_pid[$name]}" || status=$?
  unset "bg_pid[$name]"
  cat "${bg_log[$name]}"
  rm -f "${bg_log[$name]}"
  return "$status"
}

check() {
  step "npm ci"
  npm ci --no-audit --no-fund

  step "build"
  npm run build

  step "lint"
  npm run lint

  step "unit, n8n-core and contract tests (npm test)"
  npm test -- --json --outputFile=.ci-jest.json || { node .ci/summary.js .ci-jest.json; exit 1; }
  node .ci/summary.js .ci-jest.json

  step "package contents"
  node .ci/check-pack.js

  step "n8n community package scan"
  npm run scan

  step "release check (npm publish --dry-run of exactly what would be published)"
  npm run release:check
}

e2e() {
  [ -d node_modules ] || { step "npm ci"; npm ci --no-audit --no-fund; }
  [ -d dist ] || { step "build"; npm run build; }
  local failed=()

  bg_start e2e1 \
    env RR_CACHE="${E2E_1X_CACHE:-${RR_CACHE:-$HOME/.cache/n8n-nodes-ringready}}" E2E_N8N_LINE=1 npm run test:e2e
  bg_wait install "n8n 2.x installed into the empty cache" || exit 1

  # The install repair breaks the cache it works on: it gets a copy of the 2.x install just made, hard
  # links (3 GB) but for sqlite3, the one package it deletes from and rebuilds.
  step "a copy of the n8n 2.x install for the install repair"
  local cache="${RR_CACHE:-$HOME/.cache/n8n-nodes-ringready}" sqlite
  repair_cache="$(mktemp -d "$cache.repair.XXXXXX")" # beside it: hard links stay on one file system
  cp -al "$cache/." "$repair_cache/"
  rm -f "$repair_cache"/.install-*.lock
  for sqlite in "$repair_cache"/n8n-2.*/node_modules/sqlite3; do
    [ -d "$sqlite" ] && rm -rf "$sqlite" && cp -a "$cache/${sqlite#"$repair_cache"/}" "$sqlite"
  done
  bg_start repair env RR_CACHE="$repair_cache" npm run test:install
  bg_start e2e2 npm run test:e2e

  step "Chromium for the browser journey (Debian package)"
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  fi

  bg_wait repair "the n8n install repairs a broken cache by itself" || failed+=("test:install")
  rm -rf "$repair_cache"
  bg_wait e2e1 "real n8n 1.x end to end" || failed+=("e2e 1.x")

  # While the 2.x checks mostly wait for scheduled polls.
  step "the newcomer's journey in the n8n editor (Chromium)"
  npm run test:ui || failed+=("test:ui")

  bg_wait e2e2 "real n8n 2.x end to end (n8n 2.x from ${RR_CACHE:-the default cache})" || failed+=("e2e 2.x")
  [ ${#failed[@]} = 0 ] || { echo "failed: ${failed[*]}" >&2; exit 1; }
}

case "${1:-}" in
  check) check ;;
  e2e) e2e ;;
  all)
    # with the environment `npm run` gives scripts (our .npmrc's ignore-scripts=true exported)
    bg_start install env npm_config_ignore_scripts=true bash scripts/install-n8n.sh 2
    check
    e2e
    ;;
  *) echo "usage: bash scripts/ci.sh check|e2e|all" >&2; exit 2 ;;
esac
step "done: $1"
