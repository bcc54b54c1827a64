#!/usr/bin/env bash
# npm run test:scale — the package in n8n queue mode (README.md in this folder): installs Postgres and
# Redis from Debian's packages when missing, starts private instances on loopback, packs the package,
# finds n8n 2.x and runs scale.ts; everything it starts is stopped on exit (also on Ctrl-C).
# SCALE_KEEP=1 keeps the work folders; SCALE_SEED, SCALE_TRACKS and SCALE_SCHEDULER go to scale.ts.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. tools/lib.sh

redis_pid=""
pg_data=""
pg_bin=""
as_pg=()
# shellcheck disable=SC2317 # run_end (tools/lib.sh) calls it on exit
on_exit() {
  stop_pid "$redis_pid" 10
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" stop -D "$pg_data" -m fast -w -t 30 >/dev/null 2>&1 || true
  fi
}
run_begin scale ringready-scale "${SCALE_KEEP:-}" 30 20

find_pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; fi
}

# --- Postgres and Redis from Debian's packages -------------------------------------------------------
pg_bin="$(find_pg_bin)"
if [ -z "$pg_bin" ] || ! command -v redis-server >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || run_fail "Postgres or Redis is missing and apt-get is not available"
  [ "$(id -u)" = 0 ] || run_fail "Postgres or Redis is missing; install them (apt-get install postgresql redis-server) or run as root"
  step "installing postgresql and redis-server from Debian's packages (apt-get) ..."
  # The packages may start their default services (cluster 'main' on 5432, redis on 6379): those are
  # processes this script caused, so they are stopped again below (by pid).
  before="$(pgrep -x 'postgres|redis-server' 2>/dev/null | sort || true)"
  apt-get update -qq >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; run_fail "apt-get update failed"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >>"$work/apt.log" 2>&1 \
    || { tail -n 30 "$work/apt.log"; run_fail "apt-get install postgresql redis-server failed"; }
  after="$(pgrep -x 'postgres|redis-server' 2>/dev/null | sort || true)"
  started="$(comm -13 <(echo "$before") <(echo "$after") | grep . || true)"
  if [ -n "$started" ]; then
    step "stopping the services the packages started: $(echo $started)"
    if command -v pg_lsclusters >/dev/null 2>&1; then
      pg_lsclusters -h 2>/dev/null | awk '$4=="online"{print $1" "$2}' | while read -r version cluster; do
        pg_ctlcluster "$version" "$cluster" stop >/dev/null 2>&1 || true
      done
    fi
    for pid in $started; do kill -TERM "$pid" 2>/dev/null || true; done
  fi
  pg_bin="$(find_pg_bin)"
  [ -n "$pg_bin" ] || run_fail "postgresql is installed but no /usr/lib/postgresql/*/bin/initdb was found"
fi

# Postgres refuses to run as root: run it as the 'postgres' user then (the Debian package creates it).
pg_owner="$(id -un)"
if [ "$pg_owner" = root ]; then
  id postgres >/dev/null 2>&1 || run_fail "running as root but there is no 'postgres' user to run Postgres as"
  as_pg=(runuser -u postgres --)
  pg_owner=postgres
fi

step "starting a private Postgres ($("$pg_bin/postgres" --version | awk '{print $3}')) on loopback"
# Outside $work: the 'postgres' user must be able to reach it.
pgroot="$(mktemp -d "${TMPDIR:-/tmp}/ringready-scale-pg.XXXXXX")"
run_folder "$pgroot"
chown "$pg_owner" "$pgroot"
chmod 700 "$pgroot"
pg_data="$pgroot/data"
pg_sock="$pgroot/sock"
"${as_pg[@]}" mkdir -p "$pg_sock"
pg_port="$(free_port)"
pg_password="$(random_secret)"
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_data" -U postgres -E UTF8 --locale=C.UTF-8 \
  --auth-local=trust --auth-host=scram-sha-256 >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log"; run_fail "initdb failed"; }
# A throwaway test database: durability settings off for speed (nothing here kills Postgres).
"${as_pg[@]}" "$pg_bin/pg_ctl" start -D "$pg_data" -w -t 60 -l "$pgroot/postgres.log" \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$pg_sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  >/dev/null || { cat "$pgroot/postgres.log" 2>/dev/null; run_fail "Postgres did not start"; }
"${as_pg[@]}" psql -q -h "$pg_sock" -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE n8n LOGIN PASSWORD '$pg_password'" -c "CREATE DATABASE n8n OWNER n8n" >/dev/null \
  || run_fail "could not create the n8n database"

step "starting a private Redis ($(redis-server --version | awk '{print $3}' | sed 's/v=//')) on loopback"
redis_port="$(free_port)"
redis_password="$(random_secret)"
mkdir -p "$work/redis"
# The password is given in a config on stdin so it never shows in the process list.
printf 'port %s\nbind 127.0.0.1\nprotected-mode yes\nsave ""\nappendonly no\ndir %s\nrequirepass %s\n' \
  "$redis_port" "$work/redis" "$redis_password" | redis-server - >"$work/redis/redis.log" 2>&1 &
redis_pid=$!
for try in $(seq 1 51); do
  REDISCLI_AUTH="$redis_password" redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG && break
  kill -0 "$redis_pid" 2>/dev/null && [ "$try" -le 50 ] || { cat "$work/redis/redis.log"; run_fail "Redis did not answer"; }
  sleep 0.2
done

# --- the package, packed and unpacked as n8n installs it, and real n8n 2.x ----------------------------------
run_prepare 2

step "running the checks (work folder $work)"
run_checks test/scale/scale.ts SCALE_N8N_DIR="$n8n_dir" SCALE_N8N_NODE="$n8n_node" SCALE_PACKAGE_DIR="$package_dir" \
  SCALE_WORK_DIR="$work/run" SCALE_PIDS_FILE="$pids" EXECUTIONS_MODE=queue DB_TYPE=postgresdb \
  DB_POSTGRESDB_HOST=127.0.0.1 DB_POSTGRESDB_PORT="$pg_port" DB_POSTGRESDB_DATABASE=n8n DB_POSTGRESDB_USER=n8n \
  DB_POSTGRESDB_PASSWORD="$pg_password" QUEUE_BULL_REDIS_HOST=127.0.0.1 QUEUE_BULL_REDIS_PORT="$redis_port" \
  QUEUE_BULL_REDIS_PASSWORD="$redis_password"
