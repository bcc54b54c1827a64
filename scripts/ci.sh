#!/usr/bin/env bash
# The one list of CI steps. .ci/run (a clean clone, this machine) runs both groups; .github/workflows/ci.yml
# runs `check` on every Node version of versions.env and `e2e` once.
#   bash scripts/ci.sh check   npm ci, build, lint (n8n-node cloud-support and lint in place), npm test, the tarball, n8n's scanner, the release check
#   bash scripts/ci.sh e2e     build, real n8n 2.x, the install repair, the editor journey, real n8n 1.x
# The n8n installs go to $RR_CACHE (default ~/.cache/n8n-nodes-ringready); E2E_1X_CACHE, when set, is
# where the 1.x line is installed instead (.ci/run keeps 2.x cold and 1.x warm).
# `all` installs n8n 2.x in the background from the start (mostly network and unpacking) while the checks
# use the CPU; the e2e group waits for it.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { echo; echo "=== $* ($((SECONDS - started))s)"; }
install_pid=""

install_in_background() {
  install_log="$(mktemp)"
  # its own process group, stopped if CI ends first; started as `npm run` starts scripts (our .npmrc's
  # ignore-scripts=true exported as npm_config_ignore_scripts)
  npm_config_ignore_scripts=true setsid bash -c 't0=$SECONDS; status=0
    bash scripts/install-n8n.sh 2 || status=$?
    echo "[install-n8n] finished with status $status after $((SECONDS - t0)) s"; exit "$status"' \
    >"$install_log" 2>&1 &
  install_pid=$!
  trap '[ -z "$install_pid" ] || kill -TERM -- "-$install_pid" 2>/dev/null || true' EXIT
}

wait_for_install() {
  [ -n "$install_pid" ] || return 0
  step "n8n 2.x install (started in the background at 0s)"
  local status=0
  wait "$install_pid" || status=$?
  install_pid=""
  cat "$install_log"
  rm -f "$install_log"
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

  step "real n8n 2.x end to end (n8n 2.x from ${RR_CACHE:-the default cache})"
  npm run test:e2e

  step "the n8n install repairs a broken cache by itself"
  npm run test:install

  step "Chromium for the browser journey (Debian package)"
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  fi

  step "the newcomer's journey in the n8n editor (Chromium)"
  npm run test:ui

  step "real n8n 1.x end to end"
  RR_CACHE="${E2E_1X_CACHE:-${RR_CACHE:-$HOME/.cache/n8n-nodes-ringready}}" E2E_N8N_LINE=1 npm run test:e2e
}

case "${1:-}" in
  check) check ;;
  e2e) e2e ;;
  all) install_in_background; check; wait_for_install; e2e ;;
  *) echo "usage: bash scripts/ci.sh check|e2e|all" >&2; exit 2 ;;
esac
step "done: $1"
