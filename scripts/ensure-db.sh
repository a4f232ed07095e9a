#!/usr/bin/env bash
# Prints the URL of a reachable PostgreSQL server (no database name), starting one if needed.
#
# - DATABASE_URL set and reachable: use that server.
# - Otherwise: a local cluster under .data/pg (created on first use, started if stopped),
#   installing PostgreSQL from apt when the machine has none.
# Progress goes to stderr; stdout is only the URL.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "ensure-db: $*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install_postgres() {
  if [ -z "$(pg_bin)" ]; then
    log "installing PostgreSQL from apt"
    as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
  fi
}

server_url() { # strips the database name and query from a URL
  local url=$1
  local rest=${url#*://}
  local hostpart=${rest%%/*}
  echo "${url%%://*}://${hostpart}"
}

if [ -n "${DATABASE_URL:-}" ]; then
  install_postgres
  if "$(pg_bin)/pg_isready" -q -d "$DATABASE_URL" -t 3; then
    server_url "$DATABASE_URL"
    exit 0
  fi
  log "DATABASE_URL is set but not reachable: using a local cluster instead"
fi

install_postgres
bin=$(pg_bin)
data="$root/.data/pg"
sock="$root/.data/pg-socket"
run=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres user, who must be
  # able to reach the checkout; if it cannot, keep the cluster in /var/tmp instead.
  if ! runuser -u postgres -- test -x "$root" 2>/dev/null; then
    data="/var/tmp/omni-admin-pg-$(echo "$root" | sha1sum | cut -c1-12)"
    sock="$data-socket"
  fi
  run=(runuser -u postgres --)
fi
# One port per checkout, so two clones' clusters never fight over it.
port=${OMNI_LOCAL_PG_PORT:-$((55000 + $(echo "$data" | cksum | cut -d' ' -f1) % 900))}
mkdir -p "$(dirname "$data")"
install -d -m 700 ${run:+-o postgres -g postgres} "$data"
install -d -m 755 ${run:+-o postgres -g postgres} "$sock"

if [ ! -f "$data/PG_VERSION" ]; then
  log "creating a local PostgreSQL cluster in $data"
  "${run[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! "${run[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  # Another server (say, a cluster of a deleted checkout) may hold the port: take the next.
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
  done
  log "starting local PostgreSQL on 127.0.0.1:$port"
  "${run[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k $sock -c listen_addresses=127.0.0.1" start >/dev/null
fi
port=$(sed -n 4p "$data/postmaster.pid") # the port it really runs on
"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 10
echo "postgres://postgres@127.0.0.1:$port"
