#!/usr/bin/env bash
# npm run test:install — scripts/install-n8n.sh recovers a broken n8n cache by itself, when started
# from an npm script (which exports npm_config_ignore_scripts=true from our .npmrc).
#   1. a cache whose sqlite3 native module is gone (it no longer loads) is repaired;
#   2. a half-finished install (a .tmp folder left behind by an interrupted run) does not get in the way.
# Works on the cache the scripts use ($RR_CACHE, installing n8n there first when needed).
# The last line is "N passed, N failed"; the exit code is non-zero on any failure.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. tools/lib.sh
line="${INSTALL_TEST_LINE:-2}"
if [ "$line" = 2 ]; then dir="$N8N2_DIR"; node="$NODE24_DIR/bin/node"; else dir="$N8N1_DIR"; node="$(command -v node)"; fi
passed=0 failed=0
check() { # $1 name, $2... command
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   - $name"; else failed=$((failed + 1)); echo "FAIL - $name"; fi
}
sqlite_loads() { (cd "$dir" && "$node" -e "require('sqlite3')" >/dev/null 2>&1); }
install() { bash scripts/install-n8n.sh "$line" > "$1" 2>&1 && [ "$(tail -n 1 "$1")" = "$dir" ]; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
[ "${npm_config_ignore_scripts:-}" = true ] || echo "note: not started through npm run (npm_config_ignore_scripts is not set); setting it as npm would"
export npm_config_ignore_scripts=true

check "n8n $line.x is installed and sqlite3 loads" install "$log"
sqlite_loads || { cat "$log"; }

rm -f "$dir/node_modules/sqlite3/build/Release/node_sqlite3.node"
check "a cache whose sqlite3 no longer loads is detected" bash -c "! (cd '$dir' && '$node' -e \"require('sqlite3')\" >/dev/null 2>&1)"
check "the next install repairs it by itself" install "$log"
check "sqlite3 loads again after the repair" sqlite_loads
grep -q "does not work" "$log" || { echo "  (install log did not say the cache was broken)"; cat "$log"; }

mkdir -p "$dir.tmp/node_modules/half-finished"
check "an install with a half-finished .tmp folder left behind succeeds" install "$log"
check "the cached install still works after that" sqlite_loads
check "the left-behind .tmp folder is removed" test ! -e "$dir.tmp"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
